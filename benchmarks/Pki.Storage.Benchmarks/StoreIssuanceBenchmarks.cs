using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Pki.Core;
using Pki.Core.DependencyInjection;
using Pki.Storage.PostgreSql;
using Pki.Storage.Sqlite;

namespace Pki.Storage.Benchmarks;

/// <summary>
/// Durable issuance: a P-256 CSR signed by a P-256 issuing CA through <see cref="ICsrSigner"/>, wired as a host wires it
/// (<c>AddPki(…).UseSqlite(…)</c> / <c>UsePostgreSql(…)</c>, so the store writes and the audit event are on the path),
/// with 1 and 8 concurrent callers. Each invocation runs <see cref="Issuances"/> issuances spread evenly over
/// <see cref="Callers"/> tasks; results are per issuance (OperationsPerInvoke). The baseline is the cryptographic floor
/// (import the CSR's key, verify its signature, one CA signature) spread the same way, so the ratio column says how far
/// each store is from what the CPU alone allows at that concurrency.
/// </summary>
/// <remarks>
/// Stores: <c>InMemory</c>; <c>Sqlite</c> (a fresh file, <see cref="SqliteDurability.Full"/>, the default);
/// <c>SqliteNormal</c> (<see cref="SqliteDurability.Normal"/>); <c>PostgreSql</c> (a throwaway durable cluster started
/// from <c>PKI_PG_BIN</c>; the value is left out when PKI_PG_BIN is not set). The floor does not depend on the store;
/// it is measured next to each store only so that every row has its baseline from the same process.
/// </remarks>
[MemoryDiagnoser]
public class StoreIssuanceBenchmarks
{
    /// <summary>Issuances per invocation (a multiple of every <see cref="Callers"/> value).</summary>
    public const int Issuances = 64;

    private static readonly byte[] KeyEncryptionKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private ServiceProvider? _provider;
    private ThrowawayPostgreSql? _postgres;
    private string? _directory;
    private ICsrSigner _signer = null!;
    private SignCsrRequest _request = null!;
    private byte[] _requestInfo = null!;
    private byte[] _requestSignature = null!;
    private byte[] _requestKey = null!;
    private byte[] _sampleTbs = null!;
    private ECDsa? _caKey;

    public static IEnumerable<string> Stores()
    {
        yield return "InMemory";
        yield return "Sqlite";
        yield return "SqliteNormal";
        if (ThrowawayPostgreSql.BinDirectory is not null)
        {
            yield return "PostgreSql";
        }
    }

    [ParamsSource(nameof(Stores))]
    public string Store { get; set; } = "InMemory";

    [Params(1, 8)]
    public int Callers { get; set; } = 1;

    [GlobalSetup(Target = nameof(Issue))]
    public void SetupIssue()
    {
        var services = new ServiceCollection();
        var pki = services.AddPki(options => options.KeyEncryptionKey = KeyEncryptionKey);
        switch (Store)
        {
            case "InMemory":
                break;
            case "Sqlite":
            case "SqliteNormal":
                _directory = Directory.CreateTempSubdirectory("pki-bench-sqlite-").FullName;
                var durability = Store == "Sqlite" ? SqliteDurability.Full : SqliteDurability.Normal;
                pki.UseSqlite("Data Source=" + Path.Combine(_directory, "pki.db"), options => options.Durability = durability);
                break;
            case "PostgreSql":
                _postgres = ThrowawayPostgreSql.Start();
                pki.UsePostgreSql(_postgres.CreateDatabase("pki"));
                break;
            default:
                throw new InvalidOperationException($"Unknown store '{Store}'.");
        }

        _provider = services.BuildServiceProvider();
        _signer = _provider.GetRequiredService<ICsrSigner>();
        var ca = CreateIssuingCaAsync(_provider.GetRequiredService<ICertificateAuthority>()).AsTask().GetAwaiter().GetResult();
        _request = new SignCsrRequest { Authority = CaReference.ById(ca.Id), Profile = CertificateProfiles.Client, CsrPem = NewCsrPem(), ValidityDays = 30 };
        _signer.SignAsync(_request).AsTask().GetAwaiter().GetResult(); // first use: migrations, CA key load and cache
    }

    [GlobalSetup(Target = nameof(CryptographicFloor))]
    public void SetupFloor()
    {
        byte[] csrDer = Convert.FromBase64String(string.Concat(NewCsrPem().Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));
        var csr = new AsnReader(csrDer, AsnEncodingRules.DER).ReadSequence();
        _requestInfo = csr.ReadEncodedValue().ToArray();
        csr.ReadEncodedValue();
        _requestSignature = csr.ReadBitString(out _);
        var info = new AsnReader(_requestInfo, AsnEncodingRules.DER).ReadSequence();
        info.ReadInteger();
        info.ReadEncodedValue();
        _requestKey = info.ReadEncodedValue().ToArray();
        _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _sampleTbs = RandomNumberGenerator.GetBytes(560);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider?.Dispose();
        _postgres?.Dispose();
        _caKey?.Dispose();
        if (_directory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>The floor: import the CSR's public key, verify its signature, make one P-256 CA signature.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Issuances)]
    public Task CryptographicFloor() => SpreadAsync(() =>
    {
        using (var requestKey = ECDsa.Create())
        {
            requestKey.ImportSubjectPublicKeyInfo(_requestKey, out _);
            if (!requestKey.VerifyData(_requestInfo, _requestSignature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
            {
                throw new InvalidOperationException("bad signature");
            }
        }

        _caKey!.SignData(_sampleTbs, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return ValueTask.CompletedTask;
    });

    /// <summary>One issuance through <see cref="ICsrSigner"/>: parse, verify, policy, sign, store, audit.</summary>
    [Benchmark(OperationsPerInvoke = Issuances)]
    public Task Issue() => SpreadAsync(async () => await _signer.SignAsync(_request).ConfigureAwait(false));

    private async Task SpreadAsync(Func<ValueTask> operation)
    {
        if (Callers == 1)
        {
            for (int i = 0; i < Issuances; i++)
            {
                await operation().ConfigureAwait(false);
            }

            return;
        }

        int each = Issuances / Callers;
        var callers = new Task[Callers];
        for (int c = 0; c < callers.Length; c++)
        {
            callers[c] = Task.Run(async () =>
            {
                for (int i = 0; i < each; i++)
                {
                    await operation().ConfigureAwait(false);
                }
            });
        }

        await Task.WhenAll(callers).ConfigureAwait(false);
    }

    /// <summary>A P-256 root and a P-256 issuing CA under it; returns the issuing CA.</summary>
    internal static async ValueTask<AuthorityRecord> CreateIssuingCaAsync(ICertificateAuthority authority, string name = "Bench")
    {
        var root = await authority.CreateRootAsync(new CreateRootAuthorityRequest
        {
            Name = name + " Root",
            Subject = DistinguishedName.Create(commonName: name + " Root", organization: "Acme Corp", country: "US"),
            KeyAlgorithm = KeyAlgorithm.EcdsaP256,
            PathLengthConstraint = 1,
        });
        return await authority.CreateIntermediateAsync(new CreateIntermediateAuthorityRequest
        {
            Name = name + " Issuing",
            Parent = CaReference.ById(root.Id),
            Subject = DistinguishedName.Create(commonName: name + " Issuing", organization: "Acme Corp", country: "US"),
            ValidityDays = 365,
        });
    }

    /// <summary>A P-256 CSR (CN and O), made once and signed again and again.</summary>
    internal static string NewCsrPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest("CN=client-42,O=Acme Corp", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
    }
}
