namespace Pki.Core;

/// <summary>
/// Persists revocation state: status transitions of certificate records (in the same records
/// <see cref="ICertificateStore"/> returns), CRL numbers, every saved CRL (until purged) and delegated OCSP responders. Thin: the
/// engine validates every transition; the store only applies it atomically.
/// </summary>
/// <remarks>Text with U+0000 or an unpaired surrogate, indexed text over <see cref="StoreInputRules.MaximumIndexedLength"/> characters, and undefined enum members, are handled alike by every store: see <see cref="StoreInputRules"/> (writes: <see cref="PkiErrorCode.InvalidRequest"/>; lookups and filters: nothing found).</remarks>
public interface IRevocationStore
{
    /// <summary>
    /// Applies <paramref name="change"/> atomically if the certificate's status is still
    /// <see cref="CertificateStatusChange.ExpectedStatus"/> (compare-and-set), and in the same atomic step gives it the CA's
    /// next status-change sequence number (<see cref="RevocationEntry.ChangeSequence"/>): 1 first, then strictly greater than
    /// every number given before for that CA, also by other processes sharing the store. Numbers become visible in the order
    /// they are given: no change is visible while one with a lower number of the same CA is not yet (a SQL store takes the
    /// number by incrementing a per-CA counter row in the change's transaction, whose lock is held until commit).
    /// </summary>
    /// <returns>The updated record, or null when the status differed and nothing was changed.</returns>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.CertificateNotFound"/> when the id does not exist.</exception>
    ValueTask<CertificateRecord?> TryChangeStatusAsync(CertificateStatusChange change, CancellationToken cancellationToken);

    /// <summary>
    /// The CA's last status-change sequence number whose change is visible, 0 before the first: every change of the CA
    /// numbered up to it is visible to reads that start after this returns. A CRL records it before reading its entries
    /// (<see cref="CertificateRevocationList.ChangesThrough"/>), so that delta CRLs, freshness checks and tidy compare
    /// numbers, not the clocks of the hosts that made the changes.
    /// </summary>
    ValueTask<long> GetLastChangeSequenceAsync(string authorityId, CancellationToken cancellationToken);

    /// <summary>Streams the entries of one CA that match <paramref name="query"/>, in no particular order.</summary>
    IAsyncEnumerable<RevocationEntry> ListEntriesAsync(RevocationEntryQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the CA's next CRL number: 1 first, then strictly greater than every number handed out before for that CA,
    /// also to other processes sharing the store (an atomic increment).
    /// </summary>
    ValueTask<long> NextCrlNumberAsync(string authorityId, CancellationToken cancellationToken);

    /// <summary>
    /// The last CRL number <see cref="NextCrlNumberAsync"/> handed out for the CA, 0 before the first: the committed one,
    /// after waiting for a transaction that has taken one and not yet ended (or the number the caller's own transaction
    /// took). A CRL builder compares it with its own number after reading the entries: equal means no other builder took
    /// a higher number meanwhile, so no CRL with a higher number can list less than this one.
    /// </summary>
    ValueTask<long> GetLastCrlNumberAsync(string authorityId, CancellationToken cancellationToken);

    /// <summary>
    /// Remembers a CRL in the CA's history. It becomes the CA's latest full or delta CRL unless one with a higher number is
    /// already stored; saving a number the CA already has stored changes nothing.
    /// </summary>
    ValueTask SaveCrlAsync(CertificateRevocationList crl, CancellationToken cancellationToken);

    /// <summary>The CA's stored full (or, with <paramref name="delta"/>, delta) CRL with the highest number, or null.</summary>
    ValueTask<CertificateRevocationList?> GetLatestCrlAsync(string authorityId, bool delta, CancellationToken cancellationToken);

    /// <summary>
    /// Removes, as one atomic unit, at most <paramref name="limit"/> superseded CRLs whose nextUpdate is before
    /// <paramref name="nextUpdateBefore"/>. A CRL is superseded when its CA has a stored CRL of the same kind (full or
    /// delta) with a higher number: the latest full and the latest delta CRL of every CA are never removed.
    /// </summary>
    /// <returns>The number of CRLs removed.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1.</exception>
    ValueTask<int> PurgeCrlsAsync(DateTimeOffset nextUpdateBefore, int limit, CancellationToken cancellationToken);

    /// <summary>Makes <paramref name="responder"/> the CA's delegated OCSP responder, replacing any earlier one.</summary>
    ValueTask SetOcspResponderAsync(OcspResponderRecord responder, CancellationToken cancellationToken);

    /// <summary>The CA's delegated OCSP responder, or null.</summary>
    ValueTask<OcspResponderRecord?> GetOcspResponderAsync(string authorityId, CancellationToken cancellationToken);
}
