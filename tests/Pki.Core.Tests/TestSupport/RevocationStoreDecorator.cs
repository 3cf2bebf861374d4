namespace Pki.Core.Tests.TestSupport;

/// <summary>
/// An <see cref="IRevocationStore"/> that passes every call to <paramref name="inner"/>: tests derive from it and
/// override only the calls they hook (to count, pause, cancel or fail them).
/// </summary>
internal abstract class RevocationStoreDecorator(IRevocationStore inner) : IRevocationStore
{
    protected IRevocationStore Inner { get; } = inner;

    public virtual ValueTask<CertificateRecord?> TryChangeStatusAsync(CertificateStatusChange change, CancellationToken cancellationToken) =>
        Inner.TryChangeStatusAsync(change, cancellationToken);

    public virtual ValueTask<long> GetLastChangeSequenceAsync(string authorityId, CancellationToken cancellationToken) =>
        Inner.GetLastChangeSequenceAsync(authorityId, cancellationToken);

    public virtual IAsyncEnumerable<RevocationEntry> ListEntriesAsync(RevocationEntryQuery query, CancellationToken cancellationToken) =>
        Inner.ListEntriesAsync(query, cancellationToken);

    public virtual ValueTask<long> NextCrlNumberAsync(string authorityId, CancellationToken cancellationToken) =>
        Inner.NextCrlNumberAsync(authorityId, cancellationToken);

    public virtual ValueTask<long> GetLastCrlNumberAsync(string authorityId, CancellationToken cancellationToken) =>
        Inner.GetLastCrlNumberAsync(authorityId, cancellationToken);

    public virtual ValueTask SaveCrlAsync(CertificateRevocationList crl, CancellationToken cancellationToken) =>
        Inner.SaveCrlAsync(crl, cancellationToken);

    public virtual ValueTask<CertificateRevocationList?> GetLatestCrlAsync(string authorityId, bool delta, CancellationToken cancellationToken) =>
        Inner.GetLatestCrlAsync(authorityId, delta, cancellationToken);

    public virtual ValueTask<int> PurgeCrlsAsync(DateTimeOffset nextUpdateBefore, int limit, CancellationToken cancellationToken) =>
        Inner.PurgeCrlsAsync(nextUpdateBefore, limit, cancellationToken);

    public virtual ValueTask SetOcspResponderAsync(OcspResponderRecord responder, CancellationToken cancellationToken) =>
        Inner.SetOcspResponderAsync(responder, cancellationToken);

    public virtual ValueTask<OcspResponderRecord?> GetOcspResponderAsync(string authorityId, CancellationToken cancellationToken) =>
        Inner.GetOcspResponderAsync(authorityId, cancellationToken);
}
