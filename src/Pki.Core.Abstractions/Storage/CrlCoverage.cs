namespace Pki.Core;

/// <summary>What a full CRL reflects, for <see cref="CertificatePurge.PublishedBy"/>.</summary>
/// <param name="ChangesThrough">Its <see cref="CertificateRevocationList.ChangesThrough"/>: every status change of the CA
/// numbered up to this is reflected.</param>
/// <param name="ThisUpdate">Its thisUpdate: a certificate that expired before it was listed after its expiry.</param>
public sealed record CrlCoverage(long ChangesThrough, DateTimeOffset ThisUpdate)
{
    /// <summary>What the CA's latest full CRL <paramref name="crl"/> reflects; nothing when it has none.</summary>
    public static CrlCoverage Of(CertificateRevocationList? crl) =>
        crl is null ? new CrlCoverage(0, DateTimeOffset.MinValue) : new CrlCoverage(crl.ChangesThrough, crl.ThisUpdate);
}
