namespace Pki.Core;

/// <summary>
/// One compare-and-set status transition a store applies atomically: when the certificate's status is still
/// <see cref="ExpectedStatus"/>, set <see cref="NewStatus"/> and the revocation fields (null clears a field).
/// A SQL store does it as one conditional <c>UPDATE … WHERE id = @id AND status = @expected</c>.
/// </summary>
public sealed record CertificateStatusChange
{
    /// <summary>The certificate id.</summary>
    public required string CertificateId { get; init; }

    /// <summary>The status the engine read and validated the transition against.</summary>
    public required CertificateStatus ExpectedStatus { get; init; }

    /// <summary>The new status.</summary>
    public required CertificateStatus NewStatus { get; init; }

    /// <summary>The new revocation reason (null when active).</summary>
    public RevocationReason? Reason { get; init; }

    /// <summary>The new revocation time (null when active).</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>The new invalidity date.</summary>
    public DateTimeOffset? InvalidityDate { get; init; }

    /// <summary>The new comment.</summary>
    public string? Comment { get; init; }

    /// <summary>When the change was made (stored as <see cref="CertificateRecord.StatusChangedAt"/>).</summary>
    public required DateTimeOffset ChangedAt { get; init; }
}
