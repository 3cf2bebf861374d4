using Microsoft.Extensions.Time.Testing;
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

    /// <summary>
    /// OpenSSL consults a delta CRL only when the certificate or its base CRL carries freshestCRL (x509_vfy.c,
    /// get_delta_sk). Without <c>-extended_crl</c> it may also take a newer delta for the base, by accident; so the hold is
    /// checked with the base and delta made in the same second (as a script does) and an hour apart, with and without it.
    /// </summary>
    [Theory]
    [InlineData(0, false)]
    [InlineData(0, true)]
    [InlineData(60, false)]
    [InlineData(60, true)]
    public async Task Openssl_verify_use_deltas_finds_the_delta_CRL_through_freshestCRL_and_rejects_a_certificate_held_after_the_base(
        int minutesBetweenBaseAndDelta, bool extendedCrlSupport)
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow().AddHours(-2));
        using var pki = await RevocationFixture.CreateAsync(time: clock, deltaCrl: RevocationFixture.DeltaCrlUrl);
        var client = await pki.IssueClientAsync();
        var other = await pki.IssueClientAsync("bob@example.com");
        var (full, delta) = await pki.HoldAfterFullCrlAsync(client, () => clock.Advance(TimeSpan.FromMinutes(minutesBetweenBaseAndDelta)));

        using var openssl = new OpenSsl();
        string fullPem = openssl.Write("full.crl.pem", full.ToPem());
        string deltaPem = openssl.Write("delta.crl.pem", delta.ToPem());
        string[] checks = extendedCrlSupport ? ["-crl_check", "-extended_crl", "-use_deltas"] : ["-crl_check", "-use_deltas"];
        (int ExitCode, string Output) Verify(IssuedCertificate leaf, params string[] crls) =>
            openssl.Verify(pki.Root.CertificatePem, pki.Issuing.CertificatePem, leaf.CertificatePem, "sslclient",
                [.. checks, .. crls.SelectMany(crl => new[] { "-CRLfile", crl })]);

        var baseOnly = Verify(client, fullPem);
        Assert.True(baseOnly.ExitCode == 0, baseOnly.Output); // the base alone predates the hold
        var held = Verify(client, fullPem, deltaPem);
        Assert.Equal(2, held.ExitCode);
        Assert.Contains("error 23", held.Output);
        Assert.Contains("certificate revoked", held.Output);
        var unaffected = Verify(other, fullPem, deltaPem);
        Assert.True(unaffected.ExitCode == 0, unaffected.Output);

        // Reactivated: the next delta lists it with removeFromCRL, and the same base with that delta accepts it again.
        clock.Advance(TimeSpan.FromMinutes(1));
        await pki.ReactivateAsync(client);
        var release = await pki.Revocation.CreateDeltaCrlAsync(CaReference.ById(pki.Issuing.Id));
        Assert.Equal(full.Number, release.BaseCrlNumber);
        var reactivated = Verify(client, fullPem, openssl.Write("release.crl.pem", release.ToPem()));
        Assert.True(reactivated.ExitCode == 0, reactivated.Output);
    }

    [Fact]
    public async Task Openssl_crl_text_shows_Freshest_CRL_on_the_full_CRL_and_not_on_the_delta()
    {
        using var pki = await RevocationFixture.CreateAsync(deltaCrl: RevocationFixture.DeltaCrlUrl);
        var client = await pki.IssueClientAsync();
        var (full, delta) = await pki.HoldAfterFullCrlAsync(client);

        using var openssl = new OpenSsl();
        string ca = openssl.Write("ca.pem", pki.Issuing.CertificatePem);
        var fullText = openssl.Run("crl", "-in", openssl.Write("full.crl", full.Der.ToArray()), "-inform", "DER", "-CAfile", ca, "-noout", "-text");
        Assert.True(fullText.ExitCode == 0, fullText.Output);
        Assert.Contains("verify OK", fullText.Output);
        Assert.Contains("X509v3 Freshest CRL:", fullText.Output);
        Assert.DoesNotContain("X509v3 Freshest CRL: critical", fullText.Output);
        Assert.Contains("URI:" + RevocationFixture.DeltaCrlUrl.OriginalString, fullText.Output);

        var deltaText = openssl.Run("crl", "-in", openssl.Write("delta.crl", delta.Der.ToArray()), "-inform", "DER", "-CAfile", ca, "-noout", "-text");
        Assert.True(deltaText.ExitCode == 0, deltaText.Output);
        Assert.Contains("X509v3 Delta CRL Indicator: critical", deltaText.Output);
        Assert.DoesNotContain("Freshest CRL", deltaText.Output);
        Assert.DoesNotContain(RevocationFixture.DeltaCrlUrl.OriginalString, deltaText.Output);

        var leafText = openssl.Run("x509", "-in", openssl.Write("leaf.pem", client.CertificatePem), "-noout", "-text");
        Assert.Contains("X509v3 Freshest CRL:", leafText.Output);
        Assert.Contains("URI:" + RevocationFixture.DeltaCrlUrl.OriginalString, leafText.Output);
    }
}
