using Microsoft.Extensions.Time.Testing;
using Org.BouncyCastle.Ocsp;
using Pki.Core.Tests.Interop;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Revocation;

/// <summary>
/// A delegated OCSP responder signs only while its certificate is valid and active: it carries id-pkix-ocsp-nocheck,
/// so relying parties cannot find out that it was revoked (RFC 6960, section 4.2.2.2.1).
/// </summary>
public sealed class DelegatedResponderTests
{
    [Theory]
    [InlineData(RevocationReason.KeyCompromise)]
    [InlineData(RevocationReason.CertificateHold)]
    public async Task A_revoked_or_held_responder_stops_signing_and_the_ca_answers_itself(RevocationReason reason)
    {
        using var pki = await RevocationFixture.CreateAsync();
        var leaf = await pki.IssueClientAsync("leaf@example.com");
        var responder = await pki.Revocation.IssueOcspSigningCertificateAsync(CaReference.ById(pki.Issuing.Id), validityDays: 7);
        string? delegated = Signer(await AskAsync(pki, leaf));
        Assert.Contains("CN=OCSP Responder", delegated, StringComparison.Ordinal);

        await pki.RevokeAsync(responder, reason);

        Assert.Null(Signer(await AskAsync(pki, leaf))); // no responder certificate: signed by the CA's own key
        if (reason == RevocationReason.CertificateHold)
        {
            await pki.Revocation.ReactivateAsync(CertificateReference.ById(responder.Record.Id));
            Assert.Equal(delegated, Signer(await AskAsync(pki, leaf)));
        }
    }

    [Fact]
    public async Task No_response_outlives_the_certificate_that_signed_it()
    {
        // RFC 5019 lets caches serve a response until its nextUpdate; a responder certificate that expires before then
        // would leave them serving a response no client can verify. In its last OcspResponseValidity the CA signs.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
        using var pki = await RevocationFixture.CreateAsync(time: clock);
        var leaf = await pki.IssueClientAsync("leaf@example.com");
        var responder = await pki.Revocation.IssueOcspSigningCertificateAsync(CaReference.ById(pki.Issuing.Id), validityDays: 1);
        var validity = TimeSpan.FromHours(1); // the default

        clock.SetUtcNow(responder.Record.ExpiresOn - validity - TimeSpan.FromMinutes(1));
        var early = await AskAsync(pki, leaf);
        Assert.NotNull(Signer(early));
        Assert.True(early.Responses[0].NextUpdate <= responder.Record.ExpiresOn.UtcDateTime);

        clock.SetUtcNow(responder.Record.ExpiresOn - TimeSpan.FromMinutes(12));
        var late = await AskAsync(pki, leaf);
        Assert.Null(Signer(late)); // the CA's own key, whose certificate outlives the response
        Assert.True(late.Responses[0].NextUpdate <= pki.Issuing.NotAfter.UtcDateTime);
    }

    [Fact]
    public async Task The_ocsp_signing_profile_sets_the_default_and_the_maximum_validity()
    {
        using var pki = await RevocationFixture.CreateAsync(o =>
        {
            o.Profiles[CertificateProfiles.OcspSigning].DefaultValidityDays = 7;
            o.Profiles[CertificateProfiles.OcspSigning].MaximumValidityDays = 10;
        });
        var ca = CaReference.ById(pki.Issuing.Id);

        var byDefault = await pki.Revocation.IssueOcspSigningCertificateAsync(ca);
        Assert.InRange(byDefault.Record.ExpiresOn - byDefault.Record.IssuedOn, TimeSpan.FromDays(7), TimeSpan.FromDays(7) + TimeSpan.FromHours(2)); // with the backdate

        var tooLong = await Assert.ThrowsAsync<PkiException>(() => pki.Revocation.IssueOcspSigningCertificateAsync(ca, validityDays: 11).AsTask());
        Assert.Equal(PkiErrorCode.PolicyViolation, tooLong.Code);
        var tooShort = await Assert.ThrowsAsync<PkiException>(() => pki.Revocation.IssueOcspSigningCertificateAsync(ca, validityDays: 0).AsTask());
        Assert.Equal(PkiErrorCode.InvalidRequest, tooShort.Code);
    }

    [Fact]
    public async Task A_responder_that_would_not_outlive_one_response_is_refused()
    {
        using var pki = await RevocationFixture.CreateAsync(o => o.Revocation.OcspResponseValidity = TimeSpan.FromDays(2));

        var error = await Assert.ThrowsAsync<PkiException>(() =>
            pki.Revocation.IssueOcspSigningCertificateAsync(CaReference.ById(pki.Issuing.Id), validityDays: 2).AsTask());

        Assert.Equal(PkiErrorCode.InvalidRequest, error.Code); // it would never sign: the CA answers in a responder's last 2 days
        Assert.NotNull(await pki.Revocation.IssueOcspSigningCertificateAsync(CaReference.ById(pki.Issuing.Id), validityDays: 3));
    }

    [Fact]
    public async Task Around_the_cas_own_expiry_answers_stay_well_formed_and_no_cached_one_outlives_its_next_update()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
        using var pki = await RevocationFixture.CreateAsync(o => o.Revocation.OcspResponseCacheDuration = TimeSpan.FromMinutes(1), time: clock);
        var leaf = await pki.IssueClientAsync("leaf@example.com", validityDays: 1);
        byte[] request = Interop.RfcConformanceTests.OcspRequest(pki.Issuing, leaf.CertificatePem, writeNonce: null);

        clock.SetUtcNow(pki.Issuing.NotAfter - TimeSpan.FromSeconds(30));
        var last = await pki.Revocation.AnswerAsync(request);
        Assert.Equal(Asn1Time(pki.Issuing.NotAfter), last.NextUpdate); // capped at the signer's notAfter

        clock.SetUtcNow(pki.Issuing.NotAfter + TimeSpan.FromSeconds(20));
        var after = await pki.Revocation.AnswerAsync(request);
        Assert.True(after.ThisUpdate > last.ThisUpdate); // not the cached answer, whose nextUpdate has passed
        Assert.True(after.NextUpdate >= after.ThisUpdate); // never "valid until" before "as of"
    }

    private static DateTimeOffset Asn1Time(DateTimeOffset value) => value.AddTicks(-(value.UtcTicks % TimeSpan.TicksPerSecond));

    private static async Task<BasicOcspResp> AskAsync(RevocationFixture pki, IssuedCertificate leaf)
    {
        byte[] request = RfcConformanceTests.OcspRequest(pki.Issuing, leaf.CertificatePem, w => w.WriteOctetString(new byte[16]));
        var response = new OcspResp(await pki.Revocation.RespondAsync(request));
        Assert.Equal(OcspRespStatus.Successful, response.Status);
        return (BasicOcspResp)response.GetResponseObject();
    }

    /// <summary>The subject of the delegated responder certificate included in the response, or null when there is none.</summary>
    private static string? Signer(BasicOcspResp response) =>
        response.GetCerts() is { Length: > 0 } certificates ? certificates[0].SubjectDN.ToString() : null;
}
