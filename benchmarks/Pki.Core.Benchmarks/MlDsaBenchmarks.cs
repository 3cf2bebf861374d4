using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Pki.Core.DependencyInjection;

namespace Pki.Core.Benchmarks;

/// <summary>
/// Signing with an ML-DSA-65 CA: the raw BouncyCastle ML-DSA-65 signature (the floor) next to a whole issuance of a
/// P-256 CSR through <see cref="ICsrSigner"/> by an ML-DSA-65 CA, and by a hybrid P-256 + ML-DSA-65 CA (two signatures).
/// Target: issuance at 0.8 times the raw signature rate or better. One run gives the ratios; compare nothing across runs.
/// </summary>
[MemoryDiagnoser]
public class MlDsaBenchmarks
{
    private ServiceProvider _provider = null!;
    private ICsrSigner _signer = null!;
    private SignCsrRequest _mlDsaRequest = null!;
    private SignCsrRequest _hybridRequest = null!;
    private MLDsaPrivateKeyParameters _rawKey = null!;
    private byte[] _sampleTbs = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddPki();
        _provider = services.BuildServiceProvider();
        var authority = _provider.GetRequiredService<ICertificateAuthority>();
        _signer = _provider.GetRequiredService<ICsrSigner>();
        var mlDsa = authority.CreateRootAsync(new CreateRootAuthorityRequest
        {
            Name = "ml-dsa bench",
            Subject = DistinguishedName.Parse("CN=ML-DSA Bench CA,O=Pki.Core"),
            KeyAlgorithm = KeyAlgorithm.MlDsa65,
        }).AsTask().GetAwaiter().GetResult();
        var hybrid = authority.CreateRootAsync(new CreateRootAuthorityRequest
        {
            Name = "hybrid bench",
            Subject = DistinguishedName.Parse("CN=Hybrid Bench CA,O=Pki.Core"),
            KeyAlgorithm = KeyAlgorithm.EcdsaP256,
            AlternativeKeyAlgorithm = KeyAlgorithm.MlDsa65,
        }).AsTask().GetAwaiter().GetResult();

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string csrPem = new CertificateRequest("CN=client-42,O=Acme Corp", leafKey, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        _mlDsaRequest = new SignCsrRequest { Authority = CaReference.ById(mlDsa.Id), Profile = CertificateProfiles.Client, CsrPem = csrPem, ValidityDays = 30 };
        _hybridRequest = _mlDsaRequest with { Authority = CaReference.ById(hybrid.Id) };

        _rawKey = MLDsaPrivateKeyParameters.FromSeed(MLDsaParameters.ml_dsa_65, RandomNumberGenerator.GetBytes(32));
        _sampleTbs = RandomNumberGenerator.GetBytes(560);
    }

    [GlobalCleanup]
    public void Cleanup() => _provider.Dispose();

    [Benchmark(Baseline = true, Description = "raw BouncyCastle ML-DSA-65 sign")]
    public byte[] RawSign()
    {
        var signer = new MLDsaSigner(MLDsaParameters.ml_dsa_65, deterministic: false);
        signer.Init(forSigning: true, _rawKey);
        signer.BlockUpdate(_sampleTbs);
        return signer.GenerateSignature();
    }

    [Benchmark(Description = "P-256 CSR issued by ML-DSA-65 CA (ICsrSigner)")]
    public async Task<IssuedCertificate> IssueWithMlDsaCa() => await _signer.SignAsync(_mlDsaRequest);

    [Benchmark(Description = "P-256 CSR issued by hybrid P-256 + ML-DSA-65 CA")]
    public async Task<IssuedCertificate> IssueWithHybridCa() => await _signer.SignAsync(_hybridRequest);
}
