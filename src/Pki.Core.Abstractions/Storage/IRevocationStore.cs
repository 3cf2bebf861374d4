namespace Pki.Core;

/// <summary>
/// Persists revocation state: status transitions of certificate records (in the same records
/// <see cref="ICertificateStore"/> returns), CRL numbers, the latest CRLs and delegated OCSP responders. Thin: the
/// engine validates every transition; the store only applies it atomically.
/// </summary>
public interface IRevocationStore
{
    /// <summary>
    /// Applies <paramref name="change"/> atomically if the certificate's status is still
    /// <see cref="CertificateStatusChange.ExpectedStatus"/> (compare-and-set).
    /// </summary>
    /// <returns>The updated record, or null when the status differed and nothing was changed.</returns>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.CertificateNotFound"/> when the id does not exist.</exception>
    ValueTask<CertificateRecord?> TryChangeStatusAsync(CertificateStatusChange change, CancellationToken cancellationToken);

    /// <summary>Streams the entries of one CA that match <paramref name="query"/>, in no particular order.</summary>
    IAsyncEnumerable<RevocationEntry> ListEntriesAsync(RevocationEntryQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the CA's next CRL number: 1 first, then strictly greater than every number handed out before for that CA,
    /// also to other processes sharing the store (an atomic increment).
    /// </summary>
    ValueTask<long> NextCrlNumberAsync(string authorityId, CancellationToken cancellationToken);

    /// <summary>Remembers a CRL as the CA's latest full or delta CRL, unless one with a higher number is already stored.</summary>
    ValueTask SaveCrlAsync(CertificateRevocationList crl, CancellationToken cancellationToken);

    /// <summary>The CA's latest stored full (or, with <paramref name="delta"/>, delta) CRL, or null.</summary>
    ValueTask<CertificateRevocationList?> GetLatestCrlAsync(string authorityId, bool delta, CancellationToken cancellationToken);

    /// <summary>Makes <paramref name="responder"/> the CA's delegated OCSP responder, replacing any earlier one.</summary>
    ValueTask SetOcspResponderAsync(OcspResponderRecord responder, CancellationToken cancellationToken);

    /// <summary>The CA's delegated OCSP responder, or null.</summary>
    ValueTask<OcspResponderRecord?> GetOcspResponderAsync(string authorityId, CancellationToken cancellationToken);
}
