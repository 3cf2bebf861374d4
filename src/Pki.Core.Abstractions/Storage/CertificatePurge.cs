namespace Pki.Core;

/// <summary>Which expired certificates <see cref="ICertificateStore.PurgeExpiredAsync"/> removes, and how many at most.</summary>
/// <param name="ExpiredBefore">Only certificates whose notAfter (<see cref="CertificateRecord.ExpiresOn"/>) is strictly before this instant.</param>
/// <param name="Limit">The most certificates removed in this call (one transaction); at least 1.</param>
public sealed record CertificatePurge(DateTimeOffset ExpiredBefore, int Limit)
{
    /// <summary>Keep every certificate whose status is not <see cref="CertificateStatus.Active"/> (CRLs still list them).</summary>
    public bool KeepNotActive { get; init; }

    /// <summary>When set, only certificates issued by this CA.</summary>
    public string? AuthorityId { get; init; }

    /// <summary>
    /// When set, what the CA's latest full CRL reflects: a certificate whose status ever changed
    /// (<see cref="RevocationEntry.ChangeSequence"/> above 0) is removed only if that CRL reflects its last change
    /// (<see cref="CrlCoverage.ChangesThrough"/>), and, unless it is active again, only if it also expired before the CRL's
    /// thisUpdate. So a revoked or held certificate leaves the store only once a CRL issued after its expiry has listed it
    /// (RFC 5280, section 3.3), and a reactivated one only once a full CRL no longer lists it (its deltas would otherwise
    /// owe a removeFromCRL). Certificates never revoked or held are unaffected. Null: no such condition.
    /// </summary>
    public CrlCoverage? PublishedBy { get; init; }
}
