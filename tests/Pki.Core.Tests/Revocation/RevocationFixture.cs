using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Revocation;

/// <summary>A host with a root and an issuing CA (with CRL and OCSP URLs) and helpers to issue client certificates.</summary>
internal sealed class RevocationFixture : IDisposable
{
    public static readonly Uri CrlUrl = new("http://pki.example.com/crl/issuing.crl");

    public static readonly Uri DeltaCrlUrl = new("http://pki.example.com/crl/issuing-delta.crl");

    private RevocationFixture(PkiTestHost host, AuthorityRecord root, AuthorityRecord issuing)
    {
        Host = host;
        Root = root;
        Issuing = issuing;
    }

    public PkiTestHost Host { get; }

    public AuthorityRecord Root { get; }

    public AuthorityRecord Issuing { get; }

    public IRevocationService Revocation => Host.Get<IRevocationService>();

    public static async Task<RevocationFixture> CreateAsync(
        Action<PkiOptions>? configure = null, TimeProvider? time = null, Uri? crl = null, Uri? ocsp = null, KeyAlgorithm algorithm = KeyAlgorithm.EcdsaP256, bool withOcsp = true,
        Uri? deltaCrl = null)
    {
        var host = new PkiTestHost(configure, time);
        var (root, issuing) = await host.CreateHierarchyAsync(algorithm, algorithm, crl: crl ?? CrlUrl, ocsp: withOcsp ? ocsp ?? new Uri("http://ocsp.example.com/") : null, deltaCrl: deltaCrl);
        return new RevocationFixture(host, root, issuing);
    }

    public Task<IssuedCertificate> IssueClientAsync(string name = "alice@example.com", int validityDays = 30) =>
        Host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(Issuing.Id),
            Profile = CertificateProfiles.Client,
            CommonName = name,
            ValidityDays = validityDays,
            IncludePrivateKey = true,
        }).AsTask();

    public Task<CertificateRecord> RevokeAsync(IssuedCertificate certificate, RevocationReason reason = RevocationReason.KeyCompromise) =>
        Revocation.RevokeAsync(new RevokeCertificateRequest { Certificate = CertificateReference.ById(certificate.Record.Id), Reason = reason }).AsTask();

    public Task<CertificateRecord> ReactivateAsync(IssuedCertificate certificate) =>
        Revocation.ReactivateAsync(CertificateReference.ById(certificate.Record.Id)).AsTask();

    /// <summary>
    /// A full CRL of the issuing CA, then <paramref name="held"/> put on hold (after <paramref name="between"/>, e.g. a
    /// fake clock's advance), then a delta CRL on that base: the hold is on the delta only.
    /// </summary>
    public async Task<(CertificateRevocationList Full, CertificateRevocationList Delta)> HoldAfterFullCrlAsync(IssuedCertificate held, Action? between = null)
    {
        var full = await Revocation.CreateCrlAsync(CaReference.ById(Issuing.Id));
        between?.Invoke();
        await RevokeAsync(held, RevocationReason.CertificateHold);
        var delta = await Revocation.CreateDeltaCrlAsync(CaReference.ById(Issuing.Id));
        Assert.Equal(full.Number, delta.BaseCrlNumber);
        return (full, delta);
    }

    public void Dispose() => Host.Dispose();
}
