namespace Pki.Core;

/// <summary>Filters and pages issued certificates. Results are ordered by id; pass the last id seen as <see cref="After"/>
/// for the next page (keyset paging is stable while records are added).</summary>
public sealed record CertificateQuery
{
    /// <summary>Only certificates issued by this CA.</summary>
    public string? AuthorityId { get; init; }

    /// <summary>Only certificates owned by this organization.</summary>
    public string? Organization { get; init; }

    /// <summary>Only certificates with this status.</summary>
    public CertificateStatus? Status { get; init; }

    /// <summary>Only certificates of this type.</summary>
    public CertificateType? Type { get; init; }

    /// <summary>Only certificates that expire at or after this instant.</summary>
    public DateTimeOffset? ExpiresOnOrAfter { get; init; }

    /// <summary>Only certificates that expire before this instant.</summary>
    public DateTimeOffset? ExpiresBefore { get; init; }

    /// <summary>Only certificates with this serial number.</summary>
    public SerialNumber? SerialNumber { get; init; }

    /// <summary>Only the certificate with this SHA-256 fingerprint (hex). Letters A–Z match a–z; every other character
    /// matches only itself, in every store.</summary>
    public string? FingerprintSha256 { get; init; }

    /// <summary>Only certificates whose id sorts after this one (keyset paging).</summary>
    public string? After { get; init; }

    /// <summary>The largest number of results (1 to 1000). Default 100.</summary>
    public int Limit { get; init; } = 100;

    /// <summary>True when <paramref name="record"/> passes every filter (paging aside). Stores may use it.</summary>
    public bool Matches(CertificateRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return (AuthorityId is null || record.CertificateAuthority.Id == AuthorityId)
            && (Organization is null || record.OwnerOrganization == Organization)
            && (Status is null || record.Status == Status)
            && (Type is null || record.Type == Type)
            && (ExpiresOnOrAfter is null || record.ExpiresOn >= ExpiresOnOrAfter)
            && (ExpiresBefore is null || record.ExpiresOn < ExpiresBefore)
            && (SerialNumber is null || record.SerialNumber == SerialNumber.Value)
            && (FingerprintSha256 is null || FingerprintEquals(record.FingerprintSha256, FingerprintSha256));
    }

    /// <summary>
    /// How a fingerprint filter compares: ASCII letters without regard to case, every other character exactly — what SQL's
    /// <c>lower()</c> does in SQLite and under PostgreSQL's "C" collation, so that every store finds the same records.
    /// </summary>
    internal static bool FingerprintEquals(ReadOnlySpan<char> stored, ReadOnlySpan<char> wanted)
    {
        if (stored.Length != wanted.Length)
        {
            return false;
        }

        for (int i = 0; i < stored.Length; i++)
        {
            char a = stored[i], b = wanted[i];
            if (a != b && !(char.IsAsciiLetter(a) && (a | 0x20) == (b | 0x20)))
            {
                return false;
            }
        }

        return true;
    }
}
