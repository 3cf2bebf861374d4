using Pki.Core.Tests.Revocation;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Interop;

/// <summary>Full and delta CRLs are checked by <c>openssl crl</c> and <c>openssl verify -crl_check</c>, tools that are not ours.</summary>
public sealed class OpenSslCrlTests
{
    public static TheoryData<KeyAlgorithm> Algorithms => [KeyAlgorithm.EcdsaP256, KeyAlgorithm.EcdsaP384, KeyAlgorithm.Rsa2048, KeyAlgorithm.Ed25519];

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Full_and_delta_CRLs_verify_with_openssl_crl(KeyAlgorithm algorithm)
    {
        using var pki = await RevocationFixture.CreateAsync(algorithm: algorithm);
        var compromised = await pki.IssueClientAsync("compromised@example.com");
        var held = await pki.IssueClientAsync("held@example.com");
        var good = await pki.IssueClientAsync("good@example.com");
        await pki.Revocation.RevokeAsync(new RevokeCertificateRequest
        {
            Certificate = CertificateReference.BySerialNumber(CaReference.ById(pki.Issuing.Id), compromised.Record.SerialNumber),
            Reason = RevocationReason.KeyCompromise,
            InvalidityDate = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        });
        await pki.RevokeAsync(held, RevocationReason.CertificateHold);
        var full = await pki.Revocation.CreateCrlAsync(CaReference.ById(pki.Issuing.Id));

        using var openssl = new OpenSsl();
        string ca = openssl.Write("ca.pem", pki.Issuing.CertificatePem);
        var verify = openssl.Run("crl", "-in", openssl.Write("full.crl", full.Der.ToArray()), "-inform", "DER", "-CAfile", ca, "-noout");
        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Contains("verify OK", verify.Output);

        var text = openssl.Run("crl", "-in", Path.Combine(openssl.Directory, "full.crl"), "-inform", "DER", "-noout", "-text");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("Version 2", text.Output);
        Assert.Contains("X509v3 CRL Number", text.Output);
        Assert.Contains("X509v3 Authority Key Identifier", text.Output);
        Assert.Contains("X509v3 Issuing Distribution Point", text.Output);
        Assert.Contains(RevocationFixture.CrlUrl.OriginalString, text.Output);
        Assert.Contains(compromised.Record.SerialNumberHex.ToUpperInvariant(), text.Output);
        Assert.Contains("Key Compromise", text.Output);
        Assert.Contains("Certificate Hold", text.Output);
        Assert.Contains("Invalidity Date", text.Output);
        Assert.DoesNotContain(good.Record.SerialNumberHex.ToUpperInvariant(), text.Output);

        await pki.ReactivateAsync(held);
        await pki.RevokeAsync(good, RevocationReason.Superseded);
        var delta = await pki.Revocation.CreateDeltaCrlAsync(CaReference.ById(pki.Issuing.Id));
        Assert.Equal(full.Number, delta.BaseCrlNumber);
        Assert.True(delta.Number > full.Number);

        var deltaVerify = openssl.Run("crl", "-in", openssl.Write("delta.crl", delta.Der.ToArray()), "-inform", "DER", "-CAfile", ca, "-noout");
        Assert.True(deltaVerify.ExitCode == 0, deltaVerify.Output);
        Assert.Contains("verify OK", deltaVerify.Output);
        var deltaText = openssl.Run("crl", "-in", Path.Combine(openssl.Directory, "delta.crl"), "-inform", "DER", "-noout", "-text");
        Assert.Contains("X509v3 Delta CRL Indicator: critical", deltaText.Output);
        Assert.Contains("Remove From CRL", deltaText.Output);
        Assert.Contains("Superseded", deltaText.Output);
    }

    [Fact]
    public async Task Openssl_verify_crl_check_rejects_a_revoked_client_and_accepts_it_again_after_reactivation()
    {
        using var pki = await RevocationFixture.CreateAsync();
        var client = await pki.IssueClientAsync();
        var other = await pki.IssueClientAsync("bob@example.com");
        using var openssl = new OpenSsl();

        (int ExitCode, string Output) VerifyWith(CertificateRevocationList crl, IssuedCertificate leaf)
        {
            string crlPem = openssl.Write("issuing.crl.pem", crl.ToPem());
            return openssl.Verify(pki.Root.CertificatePem, pki.Issuing.CertificatePem, leaf.CertificatePem, "sslclient", "-crl_check", "-CRLfile", crlPem);
        }

        var before = VerifyWith(await pki.Revocation.GetCrlAsync(CaReference.ById(pki.Issuing.Id)), client);
        Assert.True(before.ExitCode == 0, before.Output);

        await pki.RevokeAsync(client, RevocationReason.CertificateHold);
        var crl = await pki.Revocation.GetCrlAsync(CaReference.ById(pki.Issuing.Id));
        var revoked = VerifyWith(crl, client);
        Assert.Equal(2, revoked.ExitCode);
        Assert.Contains("error 23", revoked.Output);
        var unaffected = VerifyWith(crl, other);
        Assert.True(unaffected.ExitCode == 0, unaffected.Output);

        await pki.ReactivateAsync(client);
        var after = VerifyWith(await pki.Revocation.GetCrlAsync(CaReference.ById(pki.Issuing.Id)), client);
        Assert.True(after.ExitCode == 0, after.Output);
    }

    [Fact]
    public async Task A_revoked_intermediate_is_listed_in_its_parents_CRL_and_fails_crl_check_all()
    {
        using var pki = await RevocationFixture.CreateAsync();
        var client = await pki.IssueClientAsync();
        var caCertificate = await pki.Revocation.GetStatusAsync(
            CertificateReference.BySerialNumber(CaReference.ById(pki.Root.Id), pki.Issuing.SerialNumber));
        await pki.Revocation.RevokeAsync(new RevokeCertificateRequest { Certificate = CertificateReference.ById(caCertificate.Id), Reason = RevocationReason.CACompromise });

        var rootCrl = await pki.Revocation.GetCrlAsync(CaReference.ById(pki.Root.Id));
        var issuingCrl = await pki.Revocation.GetCrlAsync(CaReference.ById(pki.Issuing.Id));
        Assert.Contains(pki.Issuing.SerialNumber.ToString(), CrlContents.Read(rootCrl.Der).Entries.Keys);

        using var openssl = new OpenSsl();
        string crls = openssl.Write("all.crl.pem", rootCrl.ToPem() + issuingCrl.ToPem());
        var result = openssl.Verify(pki.Root.CertificatePem, pki.Issuing.CertificatePem, client.CertificatePem, "sslclient", "-crl_check_all", "-CRLfile", crls);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("certificate revoked", result.Output);
    }
}
