// A CA host in its own process: redeems every token secret in a file (in an order of its own) with a few concurrent
// loops over PostgreSQL, then exits 0. Used by PostgreSqlMultiProcessTests, which SIGKILLs one such process mid-run.
// Arguments: <connection string> <key-encryption key, base64> <file with one token secret per line> <seed>
// or: churn <connection string> <key-encryption key, base64> (multi-change operations until killed: see MultiChangeChurn)
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Pki.Core;
using Pki.Core.DependencyInjection;
using Pki.Storage.PostgreSql;

if (args is ["churn", var churnConnectionString, var churnKey])
{
    var churnServices = new ServiceCollection();
    churnServices.AddPki(options => options.KeyEncryptionKey = Convert.FromBase64String(churnKey)).UsePostgreSql(churnConnectionString);
    await using var churnProvider = churnServices.BuildServiceProvider();
    return await MultiChangeChurn.RunAsync(churnProvider);
}

if (args.Length != 4)
{
    Console.Error.WriteLine("usage: worker <connection string> <kek base64> <secrets file> <seed>");
    return 64;
}

var services = new ServiceCollection();
services.AddPki(options => options.KeyEncryptionKey = Convert.FromBase64String(args[1])).UsePostgreSql(args[0]);
await using var provider = services.BuildServiceProvider();
var tokens = provider.GetRequiredService<IRequestTokenService>();
// Each worker walks the secrets in its own permutation (by seed), so both contend for every token.
int seed = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
string[] all = File.ReadAllLines(args[2]);
var secrets = new Queue<string>(all.Select((secret, i) => (secret, i)).OrderBy(t => ((long)t.i * 7919 + (long)seed * 104729) % all.Length).Select(t => t.secret));
var gate = new Lock();
int failures = 0;
Console.WriteLine("ready");

async Task LoopAsync()
{
    while (true)
    {
        string? secret;
        lock (gate)
        {
            if (!secrets.TryDequeue(out secret))
            {
                return;
            }
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string csr = new CertificateRequest("CN=worker", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        try
        {
            await tokens.RedeemAsync(new RedeemRequestTokenRequest { Secret = secret, Csr = CsrInput.FromPem(csr) });
        }
        catch (PkiException e) when (e.Code == PkiErrorCode.TokenAlreadyUsed)
        {
        }
        catch (PkiException e)
        {
            Console.Error.WriteLine($"{e.Code}: {e.Message}");
            Interlocked.Increment(ref failures);
        }
    }
}

await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(LoopAsync)));
Console.WriteLine("done");
return failures == 0 ? 0 : 1;
