namespace Pki.Core;

/// <summary>Which expired certificates <see cref="ICertificateStore.PurgeExpiredAsync"/> removes, and how many at most.</summary>
/// <param name="ExpiredBefore">Only certificates whose notAfter (<see cref="CertificateRecord.ExpiresOn"/>) is strictly before this instant.</param>
/// <param name="Limit">The most certificates removed in this call (one transaction); at least 1.</param>
public sealed record CertificatePurge(DateTimeOffset ExpiredBefore, int Limit)
{
    /// <summary>Keep every certificate whose status is not <see cref="CertificateStatus.Active"/> (CRLs still list them).</summary>
    public bool KeepNotActive { get; init; }
}
