using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Interop;

/// <summary>Every key algorithm's chain passes <c>openssl verify -x509_strict</c>, checked by a tool that is not ours.</summary>
public sealed class OpenSslVerifyTests
{
    public static TheoryData<KeyAlgorithm, KeyAlgorithm> Algorithms => new()
    {
        { KeyAlgorithm.EcdsaP256, KeyAlgorithm.EcdsaP256 },
        { KeyAlgorithm.EcdsaP384, KeyAlgorithm.EcdsaP384 },
        { KeyAlgorithm.EcdsaP521, KeyAlgorithm.EcdsaP521 },
        { KeyAlgorithm.Rsa2048, KeyAlgorithm.Rsa2048 },
        { KeyAlgorithm.Rsa3072, KeyAlgorithm.EcdsaP256 },
        { KeyAlgorithm.Rsa4096, KeyAlgorithm.Rsa2048 },
        { KeyAlgorithm.Ed25519, KeyAlgorithm.Ed25519 },
    };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Server_and_client_chains_verify_with_openssl(KeyAlgorithm caAlgorithm, KeyAlgorithm leafAlgorithm)
    {
        using var host = new PkiTestHost();
        var (root, issuing) = await host.CreateHierarchyAsync(caAlgorithm, caAlgorithm,
            crl: new Uri("http://pki.example.com/crl/issuing.crl"), ocsp: new Uri("http://ocsp.example.com/"));
        var server = await host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuing.Id),
            Profile = CertificateProfiles.Server,
            Subject = DistinguishedName.Parse("CN=api.example.com,O=Acme Corp,C=US"),
            KeyAlgorithm = leafAlgorithm,
            SubjectAlternativeNames = new SubjectAlternativeNames(ipAddresses: [System.Net.IPAddress.Parse("10.0.0.42")]),
        });
        var client = await host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ByName(issuing.Name),
            Profile = CertificateProfiles.Client,
            CommonName = "alice@example.com",
            KeyAlgorithm = leafAlgorithm,
        });

        using var openssl = new OpenSsl();
        var serverResult = openssl.Verify(root.CertificatePem, issuing.CertificatePem, server.CertificatePem, "sslserver");
        Assert.True(serverResult.ExitCode == 0, serverResult.Output);
        var clientResult = openssl.Verify(root.CertificatePem, issuing.CertificatePem, client.CertificatePem, "sslclient");
        Assert.True(clientResult.ExitCode == 0, clientResult.Output);

        // A client certificate is not a server certificate.
        var wrongPurpose = openssl.Verify(root.CertificatePem, issuing.CertificatePem, client.CertificatePem, "sslserver");
        Assert.NotEqual(0, wrongPurpose.ExitCode);

        var text = openssl.Run("x509", "-in", openssl.Write("server.pem", server.CertificatePem), "-noout", "-text");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("X509v3 Subject Alternative Name", text.Output);
        Assert.Contains("DNS:api.example.com", text.Output);
        Assert.Contains("IP Address:10.0.0.42", text.Output);
        Assert.Contains("CA:FALSE", text.Output);
        Assert.Contains("TLS Web Server Authentication", text.Output);
        Assert.Contains("X509v3 Subject Key Identifier", text.Output);
        Assert.Contains("X509v3 Authority Key Identifier", text.Output);
        Assert.Contains("URI:http://pki.example.com/crl/issuing.crl", text.Output);
        Assert.Contains("OCSP - URI:http://ocsp.example.com/", text.Output);

        var clientText = openssl.Run("x509", "-in", openssl.Write("client.pem", client.CertificatePem), "-noout", "-text");
        Assert.Contains("email:alice@example.com", clientText.Output);
        Assert.Contains("TLS Web Client Authentication", clientText.Output);
    }
}
