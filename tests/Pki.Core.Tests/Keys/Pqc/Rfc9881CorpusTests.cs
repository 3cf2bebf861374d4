using Pki.Core.Asn1;
using Pki.Core.Keys;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Keys.Pqc;

/// <summary>
/// Interop proof against independent ML-DSA implementations: the RFC 9881 example certificates (lamps-wg) verify, and
/// the pyca/cryptography ML-DSA-65 CSR is accepted and signed through <see cref="ICsrSigner"/>.
/// </summary>
public sealed class Rfc9881CorpusTests
{
    public static TheoryData<string, int> Examples => new()
    {
        { "pqc/ML-DSA-44.crt", 44 },
        { "pqc/ML-DSA-65.crt", 65 },
        { "pqc/ML-DSA-87.crt", 87 },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public void Rfc9881_example_certificate_verifies_with_its_own_key(string file, int level)
    {
        byte[] der = PemCertificates.DecodeSingle(File.ReadAllText(Corpus.Path(file)));
        using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(der);
        byte[] spki = certificate.PublicKey.ExportSubjectPublicKeyInfo();

        Assert.True(MlDsaCertificateSignature.Verify(der, spki));
        Assert.True(PqcCertificates.VerifiedBy(PqcCertificates.Parse(der), PqcCertificates.Parse(der)));
        Assert.Equal(PqcCertificates.MlDsaAlgorithmIdentifier(level), PqcCertificates.SignatureAlgorithms(der).Outer);
        Assert.Equal(PqcCertificates.MlDsaAlgorithmIdentifier(level), PqcCertificates.PublicKeyAlgorithm(der));
        byte[] tampered = (byte[])der.Clone();
        tampered[^10] ^= 0x01;
        Assert.False(MlDsaCertificateSignature.Verify(tampered, spki));
    }

    [Fact]
    public void Example_certificates_do_not_verify_with_another_parameter_set()
    {
        byte[] der44 = PemCertificates.DecodeSingle(File.ReadAllText(Corpus.Path("pqc/ML-DSA-44.crt")));
        byte[] der65 = PemCertificates.DecodeSingle(File.ReadAllText(Corpus.Path("pqc/ML-DSA-65.crt")));
        using var certificate65 = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(der65);

        var error = Assert.Throws<PkiException>(() => MlDsaCertificateSignature.Verify(der44, certificate65.PublicKey.ExportSubjectPublicKeyInfo()));

        Assert.Equal(PkiErrorCode.UnsupportedAlgorithm, error.Code);
    }

    [Theory]
    [InlineData(KeyAlgorithm.EcdsaP256)]
    [InlineData(KeyAlgorithm.MlDsa65)]
    public async Task Pyca_ml_dsa_65_csr_is_signed_through_the_csr_signer(KeyAlgorithm caAlgorithm)
    {
        using var host = new PkiTestHost();
        var (root, issuing) = await host.CreateHierarchyAsync(caAlgorithm, caAlgorithm);

        var issued = await host.Signer.SignAsync(new SignCsrRequest
        {
            Authority = CaReference.ById(issuing.Id),
            Profile = CertificateProfiles.Client,
            CsrPem = File.ReadAllText(Corpus.Path("pqc/pyca-mldsa65.csr.pem")),
            CommonName = "pyca-mldsa65",
        });

        byte[] der = issued.CertificateDer.ToArray();
        Assert.Equal("ML-DSA", issued.Record.PublicKeyAlgorithm);
        Assert.Equal(65, issued.Record.PublicKeySize);
        Assert.Equal(PqcCertificates.MlDsaAlgorithmIdentifier(65), PqcCertificates.PublicKeyAlgorithm(der));
        Assert.True(PqcCertificates.VerifiedBy(PqcCertificates.Parse(der), PqcCertificates.Parse(issuing.CertificatePem)));
        Assert.Equal(System.Security.Cryptography.X509Certificates.X509KeyUsageFlags.DigitalSignature, MlDsaAuthorityTests.KeyUsage(der));
        if (caAlgorithm == KeyAlgorithm.MlDsa65)
        {
            Assert.True(MlDsaCertificateSignature.Verify(der, SpkiOf(issuing)));
        }

        // OpenSSL 3.0 (and .NET's X509Chain, which uses it here) cannot decode an ML-DSA subject key:
        // X509_verify_cert fails with "unable to get certs public key". BouncyCastle verified the chain link above.
        Assert.NotNull(root);
    }

    private static byte[] SpkiOf(AuthorityRecord authority)
    {
        using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(authority.CertificatePem);
        return certificate.PublicKey.ExportSubjectPublicKeyInfo();
    }
}
