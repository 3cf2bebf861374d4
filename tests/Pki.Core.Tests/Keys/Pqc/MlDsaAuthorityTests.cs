using System.Security.Cryptography.X509Certificates;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Keys.Pqc;

/// <summary>
/// ML-DSA CAs (RFC 9881) issuing ML-DSA and classical leaves, and classical CAs issuing ML-DSA leaves. Every signature
/// is verified with BouncyCastle; OpenSSL 3.0 and .NET here cannot verify ML-DSA signatures.
/// </summary>
public sealed class MlDsaAuthorityTests
{
    public static TheoryData<KeyAlgorithm, int> Levels => MlDsaKeyTests.Levels;

    [Theory]
    [MemberData(nameof(Levels))]
    public async Task Ml_dsa_ca_issues_ml_dsa_and_p256_leaves_that_verify(KeyAlgorithm algorithm, int level)
    {
        using var host = new PkiTestHost();
        var (root, issuing) = await host.CreateHierarchyAsync(algorithm, algorithm);
        var mlDsaLeaf = await Issue(host, issuing, algorithm);
        var p256Leaf = await Issue(host, issuing, KeyAlgorithm.EcdsaP256);

        var rootCertificate = PqcCertificates.Parse(root.CertificatePem);
        var issuingCertificate = PqcCertificates.Parse(issuing.CertificatePem);
        Assert.True(PqcCertificates.VerifiedBy(rootCertificate, rootCertificate));
        Assert.True(PqcCertificates.VerifiedBy(issuingCertificate, rootCertificate));
        Assert.True(PqcCertificates.VerifiedBy(PqcCertificates.Parse(mlDsaLeaf.CertificateDer.ToArray()), issuingCertificate));
        Assert.True(PqcCertificates.VerifiedBy(PqcCertificates.Parse(p256Leaf.CertificateDer.ToArray()), issuingCertificate));
        Assert.False(PqcCertificates.VerifiedBy(PqcCertificates.Parse(p256Leaf.CertificateDer.ToArray()), rootCertificate));

        byte[] expected = PqcCertificates.MlDsaAlgorithmIdentifier(level);
        foreach (byte[] der in new[] { PqcCertificates.Der(root.CertificatePem), PqcCertificates.Der(issuing.CertificatePem), mlDsaLeaf.CertificateDer.ToArray(), p256Leaf.CertificateDer.ToArray() })
        {
            var (outer, inner) = PqcCertificates.SignatureAlgorithms(der);
            Assert.Equal(expected, outer);
            Assert.Equal(expected, inner);
        }

        Assert.Equal(expected, PqcCertificates.PublicKeyAlgorithm(mlDsaLeaf.CertificateDer.ToArray()));
        Assert.Equal(expected, PqcCertificates.PublicKeyAlgorithm(PqcCertificates.Der(issuing.CertificatePem)));
        Assert.Equal($"ML-DSA-{level}", mlDsaLeaf.Record.SignatureAlgorithm);
        Assert.Equal("ML-DSA", mlDsaLeaf.Record.PublicKeyAlgorithm);
        Assert.Equal(level, mlDsaLeaf.Record.PublicKeySize);
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, KeyUsage(PqcCertificates.Der(issuing.CertificatePem)));
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, KeyUsage(mlDsaLeaf.CertificateDer.ToArray()));
        CertificateAssertions.MatchesRecord(mlDsaLeaf);
        CertificateAssertions.MatchesRecord(p256Leaf);
    }

    [Fact]
    public async Task Classical_ca_issues_an_ml_dsa_leaf_that_verifies_with_bouncycastle()
    {
        using var host = new PkiTestHost();
        var (root, issuing) = await host.CreateHierarchyAsync();

        var leaf = await Issue(host, issuing, KeyAlgorithm.MlDsa65, includePrivateKey: true);

        Assert.True(PqcCertificates.VerifiedBy(PqcCertificates.Parse(leaf.CertificateDer.ToArray()), PqcCertificates.Parse(issuing.CertificatePem)));
        Assert.Equal(PqcCertificates.MlDsaAlgorithmIdentifier(65), PqcCertificates.PublicKeyAlgorithm(leaf.CertificateDer.ToArray()));
        // RFC 9881, section 5: the server profile's keyEncipherment is for RSA keys only.
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, KeyUsage(leaf.CertificateDer.ToArray()));
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", leaf.PrivateKeyPem, StringComparison.Ordinal);
        using var key = Pki.Core.Keys.SoftwareSigningKey.FromPkcs8(PqcCertificates.Der(leaf.PrivateKeyPem!));
        using var certificate = leaf.ToX509Certificate2();
        Assert.Equal(certificate.PublicKey.ExportSubjectPublicKeyInfo(), key.SubjectPublicKeyInfo.ToArray());
        // OpenSSL 3.0 cannot decode the ML-DSA subject key, so it cannot verify the leaf at all (documented in docs/pqc.md).
        using var openssl = new OpenSsl();
        var verify = openssl.Verify(root.CertificatePem, issuing.CertificatePem, leaf.CertificatePem, "sslserver");
        Assert.True(verify.ExitCode == 0 || verify.Output.Contains("X509_PUBKEY_get0", StringComparison.Ordinal), verify.Output);
    }

    [Fact]
    public async Task A_profile_with_key_encipherment_is_refused_for_ml_dsa_keys()
    {
        using var host = new PkiTestHost(options => options.Profiles["encipher"] = new CertificateProfile
        {
            Type = CertificateType.Server,
            KeyUsage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment,
        });
        var (_, issuing) = await host.CreateHierarchyAsync();

        var error = await Assert.ThrowsAsync<PkiException>(() => host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuing.Id),
            Profile = "encipher",
            CommonName = "pqc.example.com",
            KeyAlgorithm = KeyAlgorithm.MlDsa44,
        }).AsTask());
        // keyEncipherment is for RSA keys (ECDSA keys are refused too: RFC 5480, section 3).
        var rsa = await host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuing.Id),
            Profile = "encipher",
            CommonName = "classic.example.com",
            KeyAlgorithm = KeyAlgorithm.Rsa2048,
        });

        Assert.Equal(PkiErrorCode.PolicyViolation, error.Code);
        Assert.NotNull(rsa.CertificatePem);
    }

    internal static async Task<IssuedCertificate> Issue(PkiTestHost host, AuthorityRecord issuing, KeyAlgorithm algorithm, bool includePrivateKey = false) =>
        await host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuing.Id),
            Profile = CertificateProfiles.Server,
            CommonName = "pqc.example.com",
            KeyAlgorithm = algorithm,
            IncludePrivateKey = includePrivateKey,
        });

    internal static X509KeyUsageFlags KeyUsage(byte[] der)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(der);
        return certificate.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages;
    }
}
