using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Pki.Core.DependencyInjection;

namespace Pki.Core.Benchmarks;

/// <summary>
/// Request tokens next to plain CSR signing, all with a P-256 CA and a P-256 CSR and the in-memory stores: the ratio of
/// <see cref="RedeemToken"/> to <see cref="SignCsr"/> is the token overhead (target: at most 1.1).
/// </summary>
/// <remarks>
/// A token can be redeemed once, so <see cref="RedeemToken"/> takes the next token from a pool created in its global
/// setup (outside the measurement); the pool is large enough for any normal run, and when it runs dry the benchmark
/// creates the token inline, which would then show in the numbers.
/// </remarks>
[MemoryDiagnoser]
public class TokenBenchmarks
{
    private const int PoolSize = 50_000;

    private ServiceProvider _provider = null!;
    private ICsrSigner _signer = null!;
    private IRequestTokenService _tokens = null!;
    private CreateRequestTokenRequest _create = null!;
    private SignCsrRequest _sign = null!;
    private CsrInput _csr = null!;
    private string[] _pool = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddPki();
        _provider = services.BuildServiceProvider();
        _signer = _provider.GetRequiredService<ICsrSigner>();
        _tokens = _provider.GetRequiredService<IRequestTokenService>();
        var ca = _provider.GetRequiredService<ICertificateAuthority>().CreateRootAsync(new CreateRootAuthorityRequest
        {
            Name = "bench",
            Subject = DistinguishedName.Parse("CN=Bench CA,O=Pki.Core"),
            KeyAlgorithm = KeyAlgorithm.EcdsaP256,
        }).AsTask().GetAwaiter().GetResult();

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string pem = new CertificateRequest("CN=client-42,O=Acme Corp", leafKey, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        _csr = CsrInput.FromPem(pem);
        _sign = new SignCsrRequest { Authority = CaReference.ById(ca.Id), Profile = CertificateProfiles.Client, CsrPem = pem, ValidityDays = 30 };
        _create = new CreateRequestTokenRequest
        {
            Name = "bench-token",
            Authority = CaReference.ById(ca.Id),
            Organization = "Acme Corp",
            OrganizationalUnit = "Benchmarks",
            ValidityDays = 30,
        };
    }

    [GlobalSetup(Target = nameof(RedeemToken))]
    public void SetupPool()
    {
        Setup();
        _pool = new string[PoolSize];
        for (int i = 0; i < PoolSize; i++)
        {
            _pool[i] = CreateToken().Secret;
        }

        _next = 0;
    }

    [GlobalCleanup]
    public void Cleanup() => _provider.Dispose();

    /// <summary>The baseline: sign the same P-256 CSR through <see cref="ICsrSigner"/>.</summary>
    [Benchmark(Baseline = true)]
    public IssuedCertificate SignCsr() => _signer.SignAsync(_sign).AsTask().GetAwaiter().GetResult();

    /// <summary>Create a token: validate, resolve the CA, make and hash a secret, store.</summary>
    [Benchmark]
    public CreatedRequestToken CreateToken() => _tokens.CreateAsync(_create).AsTask().GetAwaiter().GetResult();

    /// <summary>Redeem a fresh token with the P-256 CSR: hash lookup, constant-time compare, the CSR pipeline, atomic consume.</summary>
    [Benchmark]
    public IssuedCertificate RedeemToken()
    {
        string secret = _next < _pool.Length ? _pool[_next++] : CreateToken().Secret;
        return _tokens.RedeemAsync(new RedeemRequestTokenRequest { Secret = secret, Csr = _csr }).AsTask().GetAwaiter().GetResult();
    }
}
