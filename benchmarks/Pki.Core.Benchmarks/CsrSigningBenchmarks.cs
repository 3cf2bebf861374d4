using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Pki.Core.DependencyInjection;

namespace Pki.Core.Benchmarks;

/// <summary>
/// The signing hot path: a P-256 CSR signed by a P-256 or an RSA-2048 CA through <see cref="ICsrSigner"/>, next to the
/// cryptographic floor (import the CSR's key, verify its signature, one CA signature — all with .NET) and the plain .NET
/// path (<see cref="CertificateRequest.LoadSigningRequestPem(string, HashAlgorithmName, CertificateRequestLoadOptions, RSASignaturePadding?)"/> + Create).
/// One run gives the ratios; compare nothing across runs.
/// </summary>
[MemoryDiagnoser]
public class CsrSigningBenchmarks
{
    private ServiceProvider _provider = null!;
    private ICsrSigner _signer = null!;
    private SignCsrRequest _request = null!;
    private string _csrPem = null!;
    private byte[] _requestInfo = null!;
    private byte[] _requestSignature = null!;
    private byte[] _requestKey = null!;
    private byte[] _sampleTbs = null!;
    private AsymmetricAlgorithm _caKey = null!;
    private X509Certificate2 _caCertificate = null!;
    private X509SignatureGenerator _caGenerator = null!;

    [Params("P-256", "RSA-2048")]
    public string CaKey { get; set; } = "P-256";

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddPki();
        _provider = services.BuildServiceProvider();
        var authority = _provider.GetRequiredService<ICertificateAuthority>();
        _signer = _provider.GetRequiredService<ICsrSigner>();
        var algorithm = CaKey == "P-256" ? KeyAlgorithm.EcdsaP256 : KeyAlgorithm.Rsa2048;
        var ca = authority.CreateRootAsync(new CreateRootAuthorityRequest
        {
            Name = "bench",
            Subject = DistinguishedName.Parse("CN=Bench CA,O=Pki.Core"),
            KeyAlgorithm = algorithm,
        }).AsTask().GetAwaiter().GetResult();

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=client-42,O=Acme Corp", leafKey, HashAlgorithmName.SHA256);
        _csrPem = request.CreateSigningRequestPem();
        _request = new SignCsrRequest { Authority = CaReference.ById(ca.Id), Profile = CertificateProfiles.Client, CsrPem = _csrPem, ValidityDays = 30 };

        byte[] csrDer = PemEncoding.Find(_csrPem) is var fields ? Convert.FromBase64String(_csrPem[fields.Base64Data]) : [];
        var csr = new AsnReader(csrDer, AsnEncodingRules.DER).ReadSequence();
        _requestInfo = csr.ReadEncodedValue().ToArray();
        csr.ReadEncodedValue();
        _requestSignature = csr.ReadBitString(out _);
        var info = new AsnReader(_requestInfo, AsnEncodingRules.DER).ReadSequence();
        info.ReadInteger();
        info.ReadEncodedValue();
        _requestKey = info.ReadEncodedValue().ToArray();

        // The CA key and certificate as plain .NET objects, for the floor and the .NET path.
        _caCertificate = X509Certificate2.CreateFromPem(ca.CertificatePem);
        if (algorithm == KeyAlgorithm.EcdsaP256)
        {
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            _caKey = key;
            _caGenerator = X509SignatureGenerator.CreateForECDsa(key);
        }
        else
        {
            var key = RSA.Create(2048);
            _caKey = key;
            _caGenerator = X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pkcs1);
        }

        _sampleTbs = RandomNumberGenerator.GetBytes(560);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Dispose();
        _caKey.Dispose();
        _caCertificate.Dispose();
    }

    /// <summary>The floor: import the CSR's public key, verify its signature, make one CA signature.</summary>
    [Benchmark(Baseline = true)]
    public byte[] CryptographicFloor()
    {
        using (var requestKey = ECDsa.Create())
        {
            requestKey.ImportSubjectPublicKeyInfo(_requestKey, out _);
            if (!requestKey.VerifyData(_requestInfo, _requestSignature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
            {
                throw new InvalidOperationException("bad signature");
            }
        }

        return _caKey is ECDsa ecdsa
            ? ecdsa.SignData(_sampleTbs, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
            : ((RSA)_caKey).SignData(_sampleTbs, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    /// <summary>Pki.Core: strict parse, policy, build, sign, store.</summary>
    [Benchmark]
    public IssuedCertificate PkiCoreSignCsr() => _signer.SignAsync(_request).AsTask().GetAwaiter().GetResult();

    /// <summary>.NET alone: load and verify the CSR, add the same extensions, sign.</summary>
    [Benchmark]
    public X509Certificate2 DotNetCertificateRequest()
    {
        var request = CertificateRequest.LoadSigningRequestPem(_csrPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_caCertificate, true, false));
        var now = DateTimeOffset.UnixEpoch.AddYears(56);
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        return request.Create(_caCertificate.SubjectName, _caGenerator, now, now.AddDays(30), serial);
    }
}
