namespace Pki.Core;

/// <summary>
/// Persists certificate request tokens. Thin: state rules live in the engine, except the one atomic operation it needs,
/// <see cref="RedeemAsync"/>.
/// </summary>
/// <remarks>
/// <para>Stores persist the states <see cref="RequestTokenState.Unused"/>, <see cref="RequestTokenState.Used"/> and
/// <see cref="RequestTokenState.Deleted"/>; expiry is decided from <see cref="RequestTokenRecord.ExpiresAt"/> and the
/// <c>now</c> the engine passes in (a token is expired when <c>now &gt;= ExpiresAt</c>).</para>
/// <para>A provider's token store and certificate store must share one database, so that <see cref="RedeemAsync"/> can
/// store the certificate and consume the token in one transaction.</para>
/// <para>Text with U+0000 or an unpaired surrogate, indexed text over <see cref="StoreInputRules.MaximumIndexedLength"/> characters, and undefined enum members, are handled alike by every store: see
/// <see cref="StoreInputRules"/> (writes: <see cref="PkiErrorCode.InvalidRequest"/>; lookups and filters: nothing found;
/// <see cref="DeleteAsync"/> and <see cref="RedeemAsync"/> with such an id: <see cref="PkiErrorCode.TokenNotFound"/>).</para>
/// </remarks>
public interface IRequestTokenStore
{
    /// <summary>Adds a token atomically.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.Conflict"/> when the id or the secret hash exists;
    /// <see cref="PkiErrorCode.InvalidRequest"/> when the token is not storable (<see cref="StoreInputRules.ThrowIfNotStorable(StoredRequestToken)"/>:
    /// among others a secret hash that is not 32 bytes, the state <see cref="RequestTokenState.Expired"/>, or
    /// <see cref="RequestTokenState.Used"/> without <see cref="RequestTokenRecord.CertificateId"/> and <see cref="RequestTokenRecord.RedeemedAt"/>);
    /// <see cref="PkiErrorCode.CertificateNotFound"/> when <see cref="RequestTokenRecord.CertificateId"/> names no certificate
    /// of the certificate store this store shares its data with. Nothing is written in either case.</exception>
    ValueTask AddAsync(StoredRequestToken token, CancellationToken cancellationToken);

    /// <summary>Gets a token by id, or null.</summary>
    ValueTask<RequestTokenRecord?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Finds a token by the SHA-256 hash of its secret, or null. Returns the stored hash too, so that the engine
    /// can compare it in constant time.</summary>
    ValueTask<StoredRequestToken?> FindByHashAsync(ReadOnlyMemory<byte> secretHash, CancellationToken cancellationToken);

    /// <summary>Lists tokens matching <paramref name="query"/> at <paramref name="now"/> (see
    /// <see cref="RequestTokenQuery.Matches"/>), ordered by id (<see cref="StoreIdOrder"/>), at most <see cref="RequestTokenQuery.Limit"/>.</summary>
    IAsyncEnumerable<RequestTokenRecord> ListAsync(RequestTokenQuery query, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks a token deleted at <paramref name="now"/> and returns it; a deleted token is returned unchanged.
    /// Atomic with respect to <see cref="RedeemAsync"/>.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.TokenNotFound"/> when the id does not exist.</exception>
    ValueTask<RequestTokenRecord> DeleteAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// As one atomic unit: checks that the token is unused, not deleted and not expired at <paramref name="now"/>; adds
    /// <paramref name="certificate"/> to the certificate store; marks the token <see cref="RequestTokenState.Used"/> with
    /// <see cref="RequestTokenRecord.RedeemedAt"/> = <paramref name="now"/> and the certificate's id. Either all of it
    /// happens or nothing does: a token is consumed at most once, even across processes, and never without its
    /// certificate.
    /// </summary>
    /// <remarks>
    /// A SQL store runs it as one transaction: a conditional
    /// <c>UPDATE … SET state = 'Used' … WHERE id = @id AND state = 'Unused' AND expires_at &gt; @now</c> (zero rows
    /// affected: roll back and report why), then the certificate insert; a failing insert rolls the update back.
    /// </remarks>
    /// <exception cref="PkiException">
    /// <see cref="PkiErrorCode.TokenNotFound"/>, <see cref="PkiErrorCode.TokenAlreadyUsed"/>,
    /// <see cref="PkiErrorCode.TokenDeleted"/>, <see cref="PkiErrorCode.TokenExpired"/> when the token cannot be
    /// consumed; any exception of <see cref="ICertificateStore.AddAsync"/> (such as
    /// <see cref="PkiErrorCode.DuplicateSerialNumber"/>, or <see cref="PkiErrorCode.AuthorityUnavailable"/> once the CA or
    /// one above it is no longer active), in which case the token stays unused.
    /// </exception>
    ValueTask RedeemAsync(string tokenId, CertificateRecord certificate, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Removes, as one atomic unit, at most <paramref name="limit"/> tokens that are finished before <paramref name="before"/>:
    /// used ones redeemed before it, deleted ones deleted before it, and unused ones that expired before it. Never removes an
    /// unused token whose <see cref="RequestTokenRecord.ExpiresAt"/> is at or after <paramref name="before"/>. Which tokens
    /// a batch takes among the eligible ones is unspecified; repeated calls drain them.
    /// </summary>
    /// <returns>The number of tokens removed.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1.</exception>
    ValueTask<int> PurgeAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken);
}
