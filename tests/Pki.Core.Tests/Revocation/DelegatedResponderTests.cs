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
