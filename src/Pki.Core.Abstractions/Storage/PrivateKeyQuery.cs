namespace Pki.Core;

/// <summary>A page of stored private keys, by id (keyset paging).</summary>
public sealed record PrivateKeyQuery
{
    /// <summary>Return keys whose id sorts after this one (<see cref="StoreIdOrder"/>); null for the first page.</summary>
    public string? After { get; init; }

    /// <summary>The page size. Default 100.</summary>
    public int Limit { get; init; } = 100;
}
