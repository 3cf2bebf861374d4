namespace Pki.Core;

/// <summary>Filters and pages request tokens. Results are ordered by id; pass the last id seen as <see cref="After"/>
/// for the next page (keyset paging is stable while tokens are added).</summary>
public sealed record RequestTokenQuery
{
    /// <summary>Only tokens of this CA.</summary>
    public string? AuthorityId { get; init; }

    /// <summary>Only tokens in this state at the time of the query (<see cref="RequestTokenState.Expired"/> included).</summary>
    public RequestTokenState? State { get; init; }

    /// <summary>Only tokens owned by this organization.</summary>
    public string? OwnerOrganization { get; init; }

    /// <summary>Only tokens whose id sorts after this one (keyset paging).</summary>
    public string? After { get; init; }

    /// <summary>The largest number of results (1 to 1000). Default 100.</summary>
    public int Limit { get; init; } = 100;

    /// <summary>True when <paramref name="token"/> passes every filter at <paramref name="now"/> (paging aside). Stores may use it.</summary>
    public bool Matches(RequestTokenRecord token, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(token);
        return (AuthorityId is null || token.Authority.Id == AuthorityId)
            && (State is null || token.StateAt(now) == State)
            && (OwnerOrganization is null || token.OwnerOrganization == OwnerOrganization);
    }
}
