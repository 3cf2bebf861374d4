using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Pki.Core.DependencyInjection;
using Pki.Core.Keys;

namespace Pki.Core.Benchmarks;

/// <summary>CSR generation (P-256, key kept encrypted) and PFX / encrypted PKCS#8 export; key generation is in <see cref="KeyGenerationBenchmarks"/>.</summary>
[MemoryDiagnoser]
public class KeyBenchmarks
{
    private ServiceProvider _provider = null!;
    private ICsrGenerator _generator = null!;
    private IPrivateKeyExporter _exporter = null!;
    private GenerateCsrRequest _csrRequest = null!;
    private string _p256CertificateId = null!;
    private string _ed25519CertificateId = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddPki();
        _provider = services.BuildServiceProvider();
        var authority = _provider.GetRequiredService<ICertificateAuthority>();
        _generator = _provider.GetRequiredService<ICsrGenerator>();
        _exporter = _provider.GetRequiredService<IPrivateKeyExporter>();
        var ca = authority.CreateRootAsync(new CreateRootAuthorityRequest { Name = "bench", Subject = DistinguishedName.Parse("CN=Bench CA") }).AsTask().GetAwaiter().GetResult();
        _csrRequest = new GenerateCsrRequest { Subject = DistinguishedName.Parse("CN=bench.example.com,O=Acme Corp"), Key = KeySpecification.Parse("ECC", 256) };
        IssueCertificateRequest Issue(KeyAlgorithm algorithm) => new()
        {
            Authority = CaReference.ById(ca.Id), Profile = CertificateProfiles.Server, Subject = DistinguishedName.Parse("CN=bench.example.com"), KeyAlgorithm = algorithm,
        };
        _p256CertificateId = authority.IssueAsync(Issue(KeyAlgorithm.EcdsaP256)).AsTask().GetAwaiter().GetResult().Record.Id;
        _ed25519CertificateId = authority.IssueAsync(Issue(KeyAlgorithm.Ed25519)).AsTask().GetAwaiter().GetResult().Record.Id;
    }

    [GlobalCleanup]
    public void Cleanup() => _provider.Dispose();

    /// <summary>Generate a P-256 key, write and sign the CSR, read it back strictly, encrypt and store the key.</summary>
    [Benchmark]
    public GeneratedCsr GenerateCsrP256() => _generator.GenerateAsync(_csrRequest).AsTask().GetAwaiter().GetResult();

    /// <summary>PKCS#12 of a P-256 certificate, its chain and key (.NET writer, PBKDF2 100,000 iterations).</summary>
    [Benchmark]
    public ExportedPrivateKey ExportPfxP256() => _exporter.ExportAsync(_p256CertificateId, PrivateKeyExportFormat.Pkcs12, "benchmark").AsTask().GetAwaiter().GetResult();

    /// <summary>PKCS#12 of an Ed25519 certificate (the hand-written writer).</summary>
    [Benchmark]
    public ExportedPrivateKey ExportPfxEd25519() => _exporter.ExportAsync(_ed25519CertificateId, PrivateKeyExportFormat.Pkcs12, "benchmark").AsTask().GetAwaiter().GetResult();

    /// <summary>Encrypted PKCS#8 PEM of the P-256 key.</summary>
    [Benchmark]
    public ExportedPrivateKey ExportEncryptedPkcs8P256() => _exporter.ExportAsync(_p256CertificateId, PrivateKeyExportFormat.EncryptedPkcs8Pem, "benchmark").AsTask().GetAwaiter().GetResult();
}

/// <summary>Key generation per classical type (RSA-4096 is left out: seconds per key, and unbounded variance).</summary>
[MemoryDiagnoser]
public class KeyGenerationBenchmarks
{
    [Params(KeyAlgorithm.EcdsaP256, KeyAlgorithm.EcdsaP384, KeyAlgorithm.EcdsaP521, KeyAlgorithm.Rsa2048, KeyAlgorithm.Rsa3072, KeyAlgorithm.Ed25519)]
    public KeyAlgorithm Algorithm { get; set; }

    /// <summary>Generate one key.</summary>
    [Benchmark]
    public int GenerateKey()
    {
        using var key = SoftwareSigningKey.Generate(Algorithm);
        return key.SubjectPublicKeyInfo.Length;
    }
}
