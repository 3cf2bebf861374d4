// A second process for the SQLite multi-process tests. Usage (or "churn <database file> <kek hex>": see MultiChangeChurn):
//   Pki.Storage.Sqlite.Tests.Worker <database file> <key-encryption key hex> <secrets file> <results file> <parallelism>
// Prints "ready" once the database is open, waits for a line on standard input, then redeems every secret (in a random
// order, <parallelism> at a time) and writes one line per attempt: "<index> ok <certificate id>" or "<index> <error code>".
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Pki.Core;
using Pki.Core.DependencyInjection;
using Pki.Storage.Sqlite;

if (args is ["churn", var churnDatabase, var churnKey])
{
    var churnServices = new ServiceCollection();
    churnServices.AddPki(options => options.KeyEncryptionKey = Convert.FromHexString(churnKey))
        .UseSqlite(new SqliteConnectionStringBuilder { DataSource = churnDatabase }.ToString(), options => options.BusyTimeout = TimeSpan.FromSeconds(60));
    using var churnProvider = churnServices.BuildServiceProvider();
    return await MultiChangeChurn.RunAsync(churnProvider);
}

if (args.Length != 5)
{
    Console.Error.WriteLine("usage: worker <database> <kek hex> <secrets file> <results file> <parallelism>");
    return 2;
}

string connectionString = new SqliteConnectionStringBuilder { DataSource = args[0] }.ToString();
byte[] keyEncryptionKey = Convert.FromHexString(args[1]);
string[] secrets = File.ReadAllLines(args[2]);
int parallelism = int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture);

var services = new ServiceCollection();
// A generous busy timeout: SQLite's lock is not fair, and the test machine may be loaded.
services.AddPki(options => options.KeyEncryptionKey = keyEncryptionKey).UseSqlite(connectionString, options => options.BusyTimeout = TimeSpan.FromSeconds(60));
using var provider = services.BuildServiceProvider();
var tokens = provider.GetRequiredService<IRequestTokenService>();

// Warm up (migrations check, connection pool, the signing path) and prepare every CSR before the start signal, so that
// both processes race from the first token. The warm-up certificate comes from the root, not from the tokens' CA.
var authorities = provider.GetRequiredService<ICertificateAuthority>();
await foreach (var root in authorities.ListAsync(new AuthorityQuery { Limit = 1000 }))
{
    if (root.IsRoot)
    {
        await authorities.IssueAsync(new IssueCertificateRequest { Authority = CaReference.ById(root.Id), Profile = CertificateProfiles.Client, CommonName = "warm-up" });
        break;
    }
}

var csrs = secrets.Select(_ =>
{
    using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    return new CertificateRequest("CN=worker-" + Environment.ProcessId, key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
}).ToArray();
int[] order = [.. Enumerable.Range(0, secrets.Length)];
RandomNumberGenerator.Shuffle(order.AsSpan());

Console.WriteLine("ready");
Console.Out.Flush();
_ = Console.ReadLine();

var results = new ConcurrentQueue<string>();
await Parallel.ForEachAsync(order, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (i, cancellationToken) =>
{
    try
    {
        var issued = await tokens.RedeemAsync(new RedeemRequestTokenRequest { Secret = secrets[i], Csr = CsrInput.FromPem(csrs[i]) }, cancellationToken);
        results.Enqueue($"{i} ok {issued.Record.Id}");
    }
    catch (PkiException ex)
    {
        results.Enqueue($"{i} {ex.Code}");
    }
    catch (Exception ex)
    {
        results.Enqueue($"{i} fail {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}");
    }
});

File.WriteAllLines(args[3], results);
return 0;
