namespace Pki.Core;

/// <summary>Selects the revocation entries of one CA.</summary>
public sealed record RevocationEntryQuery
{
    /// <summary>The issuing CA's id.</summary>
    public required string AuthorityId { get; init; }

    /// <summary>
    /// When null, every certificate of the CA whose status is not <see cref="CertificateStatus.Active"/>. When set, every
    /// certificate of the CA whose last status change has a sequence number greater than this
    /// (<see cref="RevocationEntry.ChangeSequence"/>), whatever its status now (a reactivated certificate is active
    /// again) — what a delta CRL needs. Sequence numbers, not clock readings: hosts whose clocks disagree still agree on them.
    /// </summary>
    public long? ChangedAfter { get; init; }

    /// <summary>When set, only entries with this status.</summary>
    public CertificateStatus? Status { get; init; }

    /// <summary>True when <paramref name="entry"/> passes the filters. Stores may use it.</summary>
    public bool Matches(RevocationEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        bool changed = ChangedAfter is { } after
            ? entry.ChangeSequence > after
            : entry.Status != CertificateStatus.Active;
        return changed && (Status is null || entry.Status == Status);
    }
}
