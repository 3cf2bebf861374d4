namespace Pki.Core;

/// <summary>Persists encrypted private keys (CA keys, and generated keys kept for later export).</summary>
/// <remarks>Text with U+0000 or an unpaired surrogate, indexed text over <see cref="StoreInputRules.MaximumIndexedLength"/> characters, and undefined enum members, are handled alike by every store: see <see cref="StoreInputRules"/> (writes: <see cref="PkiErrorCode.InvalidRequest"/>; lookups and filters: nothing found).</remarks>
public interface IPrivateKeyStore
{
    /// <summary>Adds a key atomically.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.Conflict"/> when the id exists.</exception>
    ValueTask AddAsync(StoredPrivateKey key, CancellationToken cancellationToken);

    /// <summary>Gets a key by id, or null.</summary>
    ValueTask<StoredPrivateKey?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Finds the key whose <see cref="StoredPrivateKey.EscrowIndex"/> equals <paramref name="escrowIndex"/>,
    /// or null. Keys stored with an empty hash are never found. When several match, the one with the smallest id wins.
    /// </summary>
    ValueTask<StoredPrivateKey?> FindByEscrowIndexAsync(ReadOnlyMemory<byte> escrowIndex, CancellationToken cancellationToken);

    /// <summary>Lists keys ordered by id (<see cref="StoreIdOrder"/>), after <see cref="PrivateKeyQuery.After"/>, at most <see cref="PrivateKeyQuery.Limit"/>.</summary>
    IAsyncEnumerable<StoredPrivateKey> ListAsync(PrivateKeyQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the protected bytes of a key atomically, only if they still equal <paramref name="expectedProtectedPkcs8"/>
    /// (compare-and-set, used when the key-encryption key is rotated). Every other field stays as it is.
    /// </summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.PrivateKeyNotFound"/> when the id does not exist;
    /// <see cref="PkiErrorCode.ConcurrencyConflict"/> when the stored bytes changed in the meantime.</exception>
    ValueTask ReplaceProtectedKeyAsync(string id, ReadOnlyMemory<byte> expectedProtectedPkcs8, ReadOnlyMemory<byte> protectedPkcs8, CancellationToken cancellationToken);

    /// <summary>
    /// Removes, as one atomic unit, at most <see cref="PrivateKeyPurge.Limit"/> signing keys (an empty
    /// <see cref="StoredPrivateKey.EscrowIndex"/>: CA and OCSP responder keys) stored before
    /// <see cref="PrivateKeyPurge.CreatedBefore"/> that nothing references: no CA (<see cref="AuthorityRecord.KeyId"/>,
    /// <see cref="AuthorityRecord.AlternativeKeyId"/>), no delegated OCSP responder (<see cref="OcspResponderRecord.KeyId"/>)
    /// and no certificate (<see cref="CertificateRecord.PrivateKeyId"/>). Such a key is left when a CA creation or import,
    /// or a responder issuance, failed after its key was stored; a replaced responder's key is one too. Returns how many
    /// keys were removed.
    /// </summary>
    /// <remarks>
    /// "Unreferenced" is checked inside the transaction that removes the key, so a reference stored before that transaction
    /// commits keeps it. Never removes an escrowed key (a non-empty public-key hash): a key kept by CSR generation is
    /// legitimately unreferenced until a certificate is issued for it. A provider's authority, certificate, revocation and
    /// private-key stores must share one database. Which keys a batch takes among the eligible ones is unspecified; repeated
    /// calls drain them.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="PrivateKeyPurge.Limit"/> is less than 1.</exception>
    ValueTask<int> PurgeUnreferencedAsync(PrivateKeyPurge purge, CancellationToken cancellationToken);
}
