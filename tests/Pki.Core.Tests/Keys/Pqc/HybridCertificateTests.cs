using System.Security.Cryptography.X509Certificates;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Keys.Pqc;

/// <summary>
/// Hybrid certificates per ITU-T X.509 (10/2019) section 9.8: a P-256 hierarchy whose CAs also hold ML-DSA-65 keys.
/// Classical verifiers (OpenSSL 3.0 with -x509_strict, .NET X509Chain) accept the certificates; the alternative
/// signatures verify with BouncyCastle and with an independent preTBSCertificate reconstruction.
/// </summary>
public sealed class HybridCertificateTests : IClassFixture<HybridCertificateTests.HybridHierarchy>
{
    private readonly HybridHierarchy _ca;

    public HybridCertificateTests(HybridHierarchy ca) => _ca = ca;

    [Fact]
    public async Task Hybrid_server_certificate_passes_classical_verifiers_and_its_alt_signature_verifies()
    {
        var leaf = await _ca.IssueServerAsync();
        byte[] der = leaf.CertificateDer.ToArray();
        byte[] issuingAltKey = SubjectAltPublicKeyInfo(_ca.Issuing);

        using var openssl = new OpenSsl();
        var verify = openssl.Verify(_ca.Root.CertificatePem, _ca.Issuing.CertificatePem, leaf.CertificatePem, "sslserver");
        Assert.True(verify.ExitCode == 0, verify.Output);
        using var certificate = leaf.ToX509Certificate2();
        Assert.True(CertificateAssertions.ChainBuilds(certificate, _ca.Root.CertificatePem, _ca.Issuing.CertificatePem, out string status), status);
        Assert.True(PqcCertificates.AltVerifiedByReconstruction(der, issuingAltKey));
        Assert.True(PqcCertificates.AltVerifiedByBouncyCastle(PqcCertificates.Parse(der), issuingAltKey));
        Assert.Null(PqcCertificates.Extension(der, PqcCertificates.SubjectAltPublicKeyInfo));
        Assert.All(certificate.Extensions.Cast<X509Extension>().Where(e => e.Oid!.Value!.StartsWith("2.5.29.7", StringComparison.Ordinal)), e => Assert.False(e.Critical));
        Assert.Equal(PqcCertificates.MlDsaAlgorithmIdentifier(65), PqcCertificates.Extension(der, PqcCertificates.AltSignatureAlgorithm));
        CertificateAssertions.MatchesRecord(leaf);
    }

    [Fact]
    public void Hybrid_ca_certificates_carry_their_alternative_keys_and_chain_the_alt_signatures()
    {
        byte[] root = PqcCertificates.Der(_ca.Root.CertificatePem);
        byte[] issuing = PqcCertificates.Der(_ca.Issuing.CertificatePem);
        byte[] rootAltKey = SubjectAltPublicKeyInfo(_ca.Root);

        // The root alt-signs itself; the intermediate is alt-signed by the root's alternative key.
        Assert.True(PqcCertificates.AltVerifiedByReconstruction(root, rootAltKey));
        Assert.True(PqcCertificates.AltVerifiedByReconstruction(issuing, rootAltKey));
        Assert.False(PqcCertificates.AltVerifiedByReconstruction(issuing, SubjectAltPublicKeyInfo(_ca.Issuing)));
        Assert.True(PqcCertificates.AltVerifiedByBouncyCastle(PqcCertificates.Parse(issuing), rootAltKey));
        Assert.Equal(KeyAlgorithm.MlDsa65, _ca.Issuing.AlternativeKeyAlgorithm);
        Assert.NotNull(_ca.Issuing.AlternativeKeyId);
        Assert.Equal(PqcCertificates.MlDsaAlgorithmIdentifier(65), AlgorithmOf(rootAltKey));
        using var openssl = new OpenSsl();
        string rootPath = openssl.Write("root.pem", _ca.Root.CertificatePem);
        var check = openssl.Run("verify", "-x509_strict", "-CAfile", rootPath, openssl.Write("issuing.pem", _ca.Issuing.CertificatePem));
        Assert.True(check.ExitCode == 0, check.Output);
    }

    [Fact]
    public async Task Tampering_with_the_tbs_breaks_the_alternative_signature()
    {
        var leaf = await _ca.IssueServerAsync();
        byte[] der = leaf.CertificateDer.ToArray();
        byte[] issuingAltKey = SubjectAltPublicKeyInfo(_ca.Issuing);
        int at = der.AsSpan().IndexOf("hybrid.example.com"u8);

        der[at] = (byte)'H';

        Assert.False(PqcCertificates.AltVerifiedByReconstruction(der, issuingAltKey));
        Assert.False(PqcCertificates.AltVerifiedByBouncyCastle(PqcCertificates.Parse(der), issuingAltKey));
        Assert.False(PqcCertificates.VerifiedBy(PqcCertificates.Parse(der), PqcCertificates.Parse(_ca.Issuing.CertificatePem)));
    }

    [Fact]
    public async Task The_classical_signature_covers_the_alternative_signature()
    {
        var leaf = await _ca.IssueServerAsync();
        byte[] der = leaf.CertificateDer.ToArray();
        var (_, _, altSignature) = PqcCertificates.PreTbs(der);
        int at = der.AsSpan().IndexOf(altSignature.AsSpan(0, 32));

        der[at + 100] ^= 0x01;

        Assert.False(PqcCertificates.VerifiedBy(PqcCertificates.Parse(der), PqcCertificates.Parse(_ca.Issuing.CertificatePem)));
        Assert.False(PqcCertificates.AltVerifiedByReconstruction(der, SubjectAltPublicKeyInfo(_ca.Issuing)));
    }

    [Theory]
    [InlineData(KeyAlgorithm.EcdsaP256, KeyAlgorithm.EcdsaP384)]
    [InlineData(KeyAlgorithm.MlDsa65, KeyAlgorithm.MlDsa44)]
    public async Task Alternative_key_must_be_ml_dsa_beside_a_classical_key(KeyAlgorithm primary, KeyAlgorithm alternative)
    {
        var error = await Assert.ThrowsAsync<PkiException>(() => _ca.Host.Authority.CreateRootAsync(new CreateRootAuthorityRequest
        {
            Name = "bad hybrid " + primary + alternative,
            Subject = DistinguishedName.Create(commonName: "Bad Hybrid"),
            KeyAlgorithm = primary,
            AlternativeKeyAlgorithm = alternative,
        }).AsTask());

        Assert.Equal(PkiErrorCode.InvalidRequest, error.Code);
    }

    [Fact]
    public async Task An_rsa_root_with_an_ml_dsa_87_alternative_key_alt_signs_what_it_issues()
    {
        using var host = new PkiTestHost();
        var root = await HybridHierarchy.CreateRootAsync(host, KeyAlgorithm.Rsa2048, KeyAlgorithm.MlDsa87);

        var issued = await host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ByName(root.Name),
            Profile = CertificateProfiles.Client,
            CommonName = "client@example.com",
        });

        byte[] der = issued.CertificateDer.ToArray();
        Assert.True(PqcCertificates.AltVerifiedByReconstruction(der, SubjectAltPublicKeyInfo(root)));
        Assert.Equal(PqcCertificates.MlDsaAlgorithmIdentifier(87), PqcCertificates.Extension(der, PqcCertificates.AltSignatureAlgorithm));
        using var openssl = new OpenSsl();
        var verify = openssl.Verify(root.CertificatePem, root.CertificatePem, issued.CertificatePem, "sslclient");
        Assert.True(verify.ExitCode == 0, verify.Output);
    }

    [Fact]
    public async Task A_hybrid_ca_that_signed_a_crl_first_still_alt_signs_what_it_issues()
    {
        using var host = new PkiTestHost();
        var root = await HybridHierarchy.CreateRootAsync(host, KeyAlgorithm.EcdsaP256, KeyAlgorithm.MlDsa65);
        await host.Get<IRevocationService>().CreateCrlAsync(CaReference.ById(root.Id)); // the CA's signing context, built for a CRL

        var issued = await host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(root.Id),
            Profile = CertificateProfiles.Client,
            CommonName = "client@example.com",
            IncludePrivateKey = false,
        });

        byte[] der = issued.CertificateDer.ToArray();
        Assert.Equal(PqcCertificates.MlDsaAlgorithmIdentifier(65), PqcCertificates.Extension(der, PqcCertificates.AltSignatureAlgorithm));
        Assert.True(PqcCertificates.AltVerifiedByReconstruction(der, SubjectAltPublicKeyInfo(root)));
    }

    private static byte[] SubjectAltPublicKeyInfo(AuthorityRecord authority) =>
        PqcCertificates.Extension(PqcCertificates.Der(authority.CertificatePem), PqcCertificates.SubjectAltPublicKeyInfo)
        ?? throw new InvalidOperationException("no subjectAltPublicKeyInfo");

    private static byte[] AlgorithmOf(byte[] subjectPublicKeyInfo) =>
        new System.Formats.Asn1.AsnReader(subjectPublicKeyInfo, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence().ReadEncodedValue().ToArray();

    /// <summary>A P-256 root and issuing CA, each with an ML-DSA-65 alternative key.</summary>
    public sealed class HybridHierarchy : IAsyncLifetime
    {
        public PkiTestHost Host { get; } = new();

        public AuthorityRecord Root { get; private set; } = null!;

        public AuthorityRecord Issuing { get; private set; } = null!;

        public static Task<AuthorityRecord> CreateRootAsync(PkiTestHost host, KeyAlgorithm primary, KeyAlgorithm alternative) =>
            host.Authority.CreateRootAsync(new CreateRootAuthorityRequest
            {
                Name = "Hybrid Root " + Guid.NewGuid().ToString("N"),
                Subject = DistinguishedName.Create(commonName: "Hybrid Root CA", organization: "Acme Corp", country: "US"),
                KeyAlgorithm = primary,
                AlternativeKeyAlgorithm = alternative,
                PathLengthConstraint = 1,
            }).AsTask();

        public async Task InitializeAsync()
        {
            Root = await CreateRootAsync(Host, KeyAlgorithm.EcdsaP256, KeyAlgorithm.MlDsa65);
            Issuing = await Host.Authority.CreateIntermediateAsync(new CreateIntermediateAuthorityRequest
            {
                Name = "Hybrid Issuing " + Guid.NewGuid().ToString("N"),
                Parent = CaReference.ById(Root.Id),
                Subject = DistinguishedName.Create(commonName: "Hybrid Issuing CA", organization: "Acme Corp", country: "US"),
                KeyAlgorithm = KeyAlgorithm.EcdsaP256,
                AlternativeKeyAlgorithm = KeyAlgorithm.MlDsa65,
                ValidityDays = 1800,
            });
        }

        public async Task<IssuedCertificate> IssueServerAsync() => await Host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(Issuing.Id),
            Profile = CertificateProfiles.Server,
            CommonName = "hybrid.example.com",
            IncludePrivateKey = false,
        });

        public Task DisposeAsync()
        {
            Host.Dispose();
            return Task.CompletedTask;
        }
    }
}
