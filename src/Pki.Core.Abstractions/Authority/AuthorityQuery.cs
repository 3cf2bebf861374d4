namespace Pki.Core;

/// <summary>Filters and pages a list of CAs. Results are ordered by id; pass the last id seen as <see cref="After"/> for the next page.</summary>
public sealed record AuthorityQuery
{
    /// <summary>Only CAs of this organization.</summary>
    public string? Organization { get; init; }

    /// <summary>Only CAs signed by this parent CA.</summary>
    public string? ParentId { get; init; }

    /// <summary>Only CAs whose id sorts after this one (keyset paging).</summary>
    public string? After { get; init; }

    /// <summary>The largest number of results (1 to 1000). Default 100.</summary>
    public int Limit { get; init; } = 100;

    /// <summary>True when <paramref name="authority"/> passes every filter (paging aside). Stores may use it.</summary>
    public bool Matches(AuthorityRecord authority)
    {
        ArgumentNullException.ThrowIfNull(authority);
        return (Organization is null || authority.Organization == Organization)
            && (ParentId is null || authority.ParentId == ParentId);
    }
}
