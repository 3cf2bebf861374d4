namespace Pki.Core;

/// <summary>What a CRL or an OCSP response needs to know about a certificate whose status is not plain active, as a store lists it.</summary>
/// <param name="CertificateId">The certificate id.</param>
/// <param name="SerialNumber">The serial number.</param>
/// <param name="Status">The current status.</param>
/// <param name="Reason">The revocation reason, or null when active.</param>
/// <param name="RevokedAt">When it was revoked or put on hold, or null when active.</param>
/// <param name="InvalidityDate">The invalidity date, or null.</param>
/// <param name="ExpiresOn">The certificate's notAfter.</param>
/// <param name="StatusChangedAt">When the status last changed, or null when it never did.</param>
/// <param name="ChangeSequence">The CA's status-change sequence number of the last change (see
/// <see cref="IRevocationStore.GetLastChangeSequenceAsync"/>), or 0 when the status never changed.</param>
public sealed record RevocationEntry(
    string CertificateId,
    SerialNumber SerialNumber,
    CertificateStatus Status,
    RevocationReason? Reason,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? InvalidityDate,
    DateTimeOffset ExpiresOn,
    DateTimeOffset? StatusChangedAt,
    long ChangeSequence = 0);
