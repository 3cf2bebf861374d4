namespace Pki.Core;

/// <summary>Persists certificate authorities. Thin: business rules live in the engine.</summary>
/// <remarks>Text with U+0000 or an unpaired surrogate, indexed text over <see cref="StoreInputRules.MaximumIndexedLength"/> characters, and undefined enum members, are handled alike by every store: see <see cref="StoreInputRules"/> (writes: <see cref="PkiErrorCode.InvalidRequest"/>; lookups and filters: nothing found).</remarks>
public interface IAuthorityStore
{
    /// <summary>Adds a CA atomically.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.Conflict"/> when the id, or the name within the organization, exists.</exception>
    ValueTask AddAsync(AuthorityRecord authority, CancellationToken cancellationToken);

    /// <summary>Replaces a CA record (same id), for example when it is revoked.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/> when the id does not exist;
    /// <see cref="PkiErrorCode.Conflict"/> when a renamed CA would take a name used within its organization.</exception>
    ValueTask UpdateAsync(AuthorityRecord authority, CancellationToken cancellationToken);

    /// <summary>Gets a CA by id, or null.</summary>
    ValueTask<AuthorityRecord?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Finds a CA by name within an organization (null organization: CAs without one), or null.</summary>
    ValueTask<AuthorityRecord?> FindByNameAsync(string name, string? organization, CancellationToken cancellationToken);

    /// <summary>Lists CAs matching <paramref name="query"/>, ordered by id (<see cref="StoreIdOrder"/>), at most <see cref="AuthorityQuery.Limit"/>.</summary>
    IAsyncEnumerable<AuthorityRecord> ListAsync(AuthorityQuery query, CancellationToken cancellationToken);
}
