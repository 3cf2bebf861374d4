using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Governance;

/// <summary>
/// A certificate with id-kp-OCSPSigning (or ocsp-nocheck) lets whoever holds its key answer OCSP for the CA — "good" for
/// a revoked certificate included. Issuing one takes Publish on the CA (the revoke capability), whichever way it is asked
/// for: <see cref="IRevocationService.IssueOcspSigningCertificateAsync"/>, CSR signing, IssueAsync or a request token.
/// </summary>
public sealed class ResponderProfileTests
{
    private static readonly Dictionary<string, PkiCapabilities> NoCapabilities = [];

    private static PkiCaller Creator(AuthorityRecord ca, PkiCapabilities capabilities = PkiCapabilities.CreateCertificate) =>
        GovernanceHost.Member("acme", capabilities: new Dictionary<string, PkiCapabilities>(NoCapabilities) { [ca.Id] = capabilities });

    private static SignCsrRequest Sign(AuthorityRecord ca, string profile) =>
        new() { Authority = CaReference.ById(ca.Id), Profile = profile, CsrPem = GovernanceHost.ClientCsr("responder") };

    [Fact]
    public async Task Issuing_a_responder_takes_the_revoke_capability_whichever_way_it_is_asked_for()
    {
        using var g = await GovernanceHost.CreateAsync();
        var creator = Creator(g.AcmeCa);
        var tokens = g.Host.Get<IRequestTokenService>();

        var attempts = new Func<Task>[]
        {
            () => g.AsAsync(creator, () => g.Host.Signer.SignAsync(Sign(g.AcmeCa, CertificateProfiles.OcspSigning)).AsTask()),
            () => g.AsAsync(creator, () => g.Host.Authority.IssueAsync(new IssueCertificateRequest
            {
                Authority = CaReference.ById(g.AcmeCa.Id), Profile = CertificateProfiles.OcspSigning, CommonName = "responder",
            }).AsTask()),
            () => g.AsAsync(creator, () => tokens.CreateAsync(new CreateRequestTokenRequest
            {
                Name = "responder", Authority = CaReference.ById(g.AcmeCa.Id), Profile = CertificateProfiles.OcspSigning,
            }).AsTask()),
            () => g.AsAsync(creator, () => g.Host.Get<IRevocationService>().IssueOcspSigningCertificateAsync(CaReference.ById(g.AcmeCa.Id)).AsTask()),
        };
        foreach (var attempt in attempts)
        {
            var error = await Assert.ThrowsAsync<PkiException>(attempt);
            Assert.Equal(PkiErrorCode.Forbidden, error.Code);
        }

        // The same caller may still issue ordinary client certificates, and with the revoke capability a responder too.
        await g.AsAsync(creator, () => g.Host.Signer.SignAsync(Sign(g.AcmeCa, CertificateProfiles.Client)).AsTask());
        var publisher = Creator(g.AcmeCa, PkiCapabilities.CreateCertificate | PkiCapabilities.RevokeCertificate);
        var responder = await g.AsAsync(publisher, () => g.Host.Signer.SignAsync(Sign(g.AcmeCa, CertificateProfiles.OcspSigning)).AsTask());
        Assert.Equal(CertificateProfiles.OcspSigning, responder.Record.Profile);
    }

    [Fact]
    public async Task A_custom_profile_with_ocsp_nocheck_or_the_ocsp_signing_usage_counts_as_a_responder_profile()
    {
        using var g = await GovernanceHost.CreateAsync(o =>
        {
            o.Profiles["nocheck"] = new CertificateProfile { Type = CertificateType.Client, OcspNoCheck = true, ExtendedKeyUsages = { "1.3.6.1.5.5.7.3.2" } };
            o.Profiles["ocsp-and-client"] = new CertificateProfile { Type = CertificateType.Client, ExtendedKeyUsages = { "1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.9" } };
        });
        var creator = Creator(g.AcmeCa);

        foreach (string profile in new[] { "nocheck", "ocsp-and-client" })
        {
            var error = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(creator, () => g.Host.Signer.SignAsync(Sign(g.AcmeCa, profile)).AsTask()));
            Assert.Equal(PkiErrorCode.Forbidden, error.Code);
        }
    }
}
