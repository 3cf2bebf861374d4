using Pki.Core.Tests.Revocation;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Interop;

/// <summary>OCSP requests made by <c>openssl ocsp -reqout</c>, answered by the library, checked by <c>openssl ocsp -respin</c>.</summary>
public sealed class OpenSslOcspTests
{
    [Theory]
    [InlineData(KeyAlgorithm.EcdsaP256, false)]
    [InlineData(KeyAlgorithm.EcdsaP256, true)]
    [InlineData(KeyAlgorithm.Rsa2048, false)]
    [InlineData(KeyAlgorithm.EcdsaP384, true)]
    public async Task Openssl_reports_good_revoked_and_unknown_with_the_nonce_checked(KeyAlgorithm algorithm, bool delegated)
    {
        using var pki = await RevocationFixture.CreateAsync(algorithm: algorithm);
        var good = await pki.IssueClientAsync("good@example.com");
        var revoked = await pki.IssueClientAsync("revoked@example.com");
        var held = await pki.IssueClientAsync("held@example.com");
        await pki.RevokeAsync(revoked, RevocationReason.KeyCompromise);
        await pki.RevokeAsync(held, RevocationReason.CertificateHold);
        if (delegated)
        {
            var responder = await pki.Revocation.IssueOcspSigningCertificateAsync(CaReference.ById(pki.Issuing.Id), validityDays: 7);
            using var certificate = responder.ToX509Certificate2();
            Assert.Contains(certificate.Extensions, e => e.Oid?.Value == "1.3.6.1.5.5.7.48.1.5");
        }

        // A certificate the CA never issued: same issuer, other serial (signed by a throwaway key).
        using var stranger = StrangerWithSameIssuer(pki.Issuing);
        using var openssl = new OpenSsl();
        string ca = openssl.Write("ca.pem", pki.Issuing.CertificatePem);
        string trust = openssl.Write("trust.pem", pki.Root.CertificatePem + pki.Issuing.CertificatePem);

        async Task<string> AskAsync(string name, string certificatePem)
        {
            string leaf = openssl.Write(name + ".pem", certificatePem);
            string request = Path.Combine(openssl.Directory, name + ".req");
            var make = openssl.Run("ocsp", "-issuer", ca, "-cert", leaf, "-reqout", request);
            Assert.True(make.ExitCode == 0, make.Output);
            byte[] response = await pki.Revocation.RespondAsync(await File.ReadAllBytesAsync(request));
            string responsePath = openssl.Write(name + ".resp", response);
            // With -reqin and no -cert, openssl checks the signature and that the response echoes the request's nonce.
            var nonce = openssl.Run("ocsp", "-reqin", request, "-respin", responsePath, "-CAfile", trust, "-verify_other", ca);
            Assert.True(nonce.ExitCode == 0, nonce.Output);
            Assert.Contains("Response verify OK", nonce.Output);
            Assert.DoesNotContain("Nonce Verify error", nonce.Output);
            Assert.DoesNotContain("WARNING", nonce.Output);

            // With -cert, openssl builds its own request (-no_nonce: no fresh nonce to compare) and prints the status.
            var check = openssl.Run("ocsp", "-respin", responsePath, "-issuer", ca, "-CAfile", trust, "-cert", leaf, "-no_nonce", "-resp_text");
            Assert.True(check.ExitCode == 0, check.Output);
            Assert.Contains("Response verify OK", check.Output);
            Assert.Contains("OCSP Nonce", check.Output);
            Assert.Contains("Responder Id:", check.Output);
            return check.Output;
        }

        Assert.Contains("good.pem: good", await AskAsync("good", good.CertificatePem));
        string revokedText = await AskAsync("revoked", revoked.CertificatePem);
        Assert.Contains("revoked.pem: revoked", revokedText);
        Assert.Contains("Reason: keyCompromise", revokedText);
        string heldText = await AskAsync("held", held.CertificatePem);
        Assert.Contains("held.pem: revoked", heldText);
        Assert.Contains("Reason: certificateHold", heldText);
        Assert.Contains("stranger.pem: unknown", await AskAsync("stranger", stranger.ExportCertificatePem()));

        await pki.ReactivateAsync(held);
        Assert.Contains("held.pem: good", await AskAsync("held", held.CertificatePem));
    }

    [Fact]
    public async Task A_request_for_an_issuer_the_library_does_not_hold_is_unauthorized()
    {
        using var pki = await RevocationFixture.CreateAsync();
        using var other = new PkiTestHost();
        var (_, foreignCa) = await other.CreateHierarchyAsync();
        var foreignLeaf = await other.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(foreignCa.Id), Profile = CertificateProfiles.Client, CommonName = "x@example.com",
        });
        using var openssl = new OpenSsl();
        string request = Path.Combine(openssl.Directory, "req.der");
        var make = openssl.Run("ocsp", "-issuer", openssl.Write("ca.pem", foreignCa.CertificatePem), "-cert", openssl.Write("leaf.pem", foreignLeaf.CertificatePem), "-reqout", request);
        Assert.Equal(0, make.ExitCode);

        byte[] response = await pki.Revocation.RespondAsync(await File.ReadAllBytesAsync(request));
        var text = openssl.Run("ocsp", "-respin", openssl.Write("resp.der", response), "-resp_text", "-noverify");
        Assert.Contains("unauthorized", text.Output);
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 StrangerWithSameIssuer(AuthorityRecord issuing)
    {
        using var caCertificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(issuing.CertificatePem);
        using var throwaway = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=stranger", throwaway, System.Security.Cryptography.HashAlgorithmName.SHA256);
        var generator = System.Security.Cryptography.X509Certificates.X509SignatureGenerator.CreateForECDsa(throwaway);
        var notBefore = new DateTimeOffset(caCertificate.NotBefore.ToUniversalTime());
        return request.Create(caCertificate.SubjectName, generator, notBefore, notBefore.AddDays(1), [0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42]);
    }
}
