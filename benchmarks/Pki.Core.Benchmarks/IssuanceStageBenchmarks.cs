using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Pki.Core.DependencyInjection;
using Pki.Core.Issuance.Csr;

namespace Pki.Core.Benchmarks;

/// <summary>
/// Where the time of one CSR issuance goes: the strict parse alone, key import + verification alone, the whole CSR
/// reader, and the pipeline after the CSR is read (CA signature, record, store).
/// </summary>
[MemoryDiagnoser]
public class IssuanceStageBenchmarks
{
    private string _pem = null!;
    private ParsedCsr _parsed = null!;
    private Pki.Core.Issuance.IssuancePipeline _pipeline = null!;
    private Pki.Core.Issuance.IssuanceOrder _order = null!;
    private readonly CsrLimits _limits = new();
    private ICsrSigner _signer = null!;
    private SignCsrRequest _request = null!;
    private readonly KeyPolicyOptions _policy = new();

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddPki();
        var provider = services.BuildServiceProvider();
        var ca = provider.GetRequiredService<ICertificateAuthority>().CreateRootAsync(new CreateRootAuthorityRequest { Name = "b", Subject = DistinguishedName.Parse("CN=B") }).AsTask().GetAwaiter().GetResult();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _pem = new CertificateRequest("CN=client-42,O=Acme Corp", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        _parsed = CsrReader.Read(_pem, _limits, _policy);
        _pipeline = provider.GetRequiredService<Pki.Core.Issuance.IssuancePipeline>();
        _signer = provider.GetRequiredService<ICsrSigner>();
        _request = new SignCsrRequest { Authority = CaReference.ById(ca.Id), Profile = "client", ValidityDays = 30, CsrPem = _pem };
        _order = Pki.Core.Issuance.CsrSigner.CreateOrder(new SignCsrRequest { Authority = CaReference.ById(ca.Id), Profile = "client", ValidityDays = 30 }, _parsed);
    }

    [Benchmark]
    public bool ImportAndVerify()
    {
        var structure = CsrStructure.Parse(_parsed.Der);
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(structure.SubjectPublicKeyInfo.Span, out _);
        return key.VerifyData(structure.CertificationRequestInfo.Span, structure.Signature.Span, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <summary>The same work through OpenSSL 3's provider API (the path <c>CsrSignatureVerifier</c> takes on Linux).</summary>
    [Benchmark]
    public bool? OpenSslImportAndVerify()
    {
        var structure = CsrStructure.Parse(_parsed.Der);
        var key = PublicKeyPolicy.Check(structure.SubjectPublicKeyInfo, _policy);
        return OpenSslEcdsaVerifier.VerifyCore(key.PublicKey.Size, key.KeyBits.Span, HashAlgorithmName.SHA256, structure.CertificationRequestInfo.Span, structure.Signature.Span);
    }

    [Benchmark]
    public object ParseOnly()
    {
        var structure = CsrStructure.Parse(_parsed.Der);
        var subject = SubjectNameReader.Read(structure.Subject, _limits);
        var requested = RequestedExtensionsReader.Read(structure.Attributes, _limits);
        var key = PublicKeyPolicy.Check(structure.SubjectPublicKeyInfo, _policy);
        var algorithm = CsrSignatureAlgorithm.Parse(structure.SignatureAlgorithm, _policy);
        return (subject, requested, key, algorithm);
    }

    [Benchmark]
    public object ReadCsrWhole() => CsrReader.Read(_pem, _limits, _policy);

    [Benchmark]
    public IssuedCertificate PipelineOnly() => _pipeline.IssueAsync(_order, default).AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public IssuedCertificate Composed()
    {
        var parsed = CsrReader.Read(_pem, _limits, _policy);
        return _pipeline.IssueAsync(Pki.Core.Issuance.CsrSigner.CreateOrder(_request, parsed), default).AsTask().GetAwaiter().GetResult();
    }

    [Benchmark]
    public IssuedCertificate WholeSignAsync() => _signer.SignAsync(_request).AsTask().GetAwaiter().GetResult();
}
