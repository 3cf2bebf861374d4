namespace Pki.Core;

/// <summary>Selects the revocation entries of one CA.</summary>
public sealed record RevocationEntryQuery
{
    /// <summary>The issuing CA's id.</summary>
    public required string AuthorityId { get; init; }

    /// <summary>
    /// When null, every certificate of the CA whose status is not <see cref="CertificateStatus.Active"/>. When set, every
    /// certificate of the CA whose status changed at or after this instant, whatever its status now (a reactivated
    /// certificate is active again) — what a delta CRL needs.
    /// </summary>
    public DateTimeOffset? ChangedSince { get; init; }

    /// <summary>When set, only entries with this status.</summary>
    public CertificateStatus? Status { get; init; }

    /// <summary>True when <paramref name="entry"/> passes the filters. Stores may use it.</summary>
    public bool Matches(RevocationEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        bool changed = ChangedSince is { } since
            ? entry.StatusChangedAt >= since
            : entry.Status != CertificateStatus.Active;
        return changed && (Status is null || entry.Status == Status);
    }
}
