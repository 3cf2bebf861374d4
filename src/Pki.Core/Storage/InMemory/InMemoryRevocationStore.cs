using System.Runtime.CompilerServices;

namespace Pki.Core.Storage.InMemory;

/// <summary>
/// An <see cref="IRevocationStore"/> in process memory over the <see cref="InMemoryCertificateStore"/> (status changes
/// happen in the certificate records themselves); thread-safe.
/// </summary>
internal sealed class InMemoryRevocationStore : IRevocationStore
{
    private readonly InMemoryCertificateStore _certificates;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _crlNumbers = new(StringComparer.Ordinal);
    private readonly Dictionary<(string AuthorityId, bool Delta), SortedList<long, CertificateRevocationList>> _crls = [];
    private readonly Dictionary<string, OcspResponderRecord> _responders = new(StringComparer.Ordinal);

    /// <exception cref="InvalidOperationException">The certificate store is not the in-memory one: register the revocation store of the same storage package.</exception>
    public InMemoryRevocationStore(ICertificateStore certificates)
    {
        _certificates = certificates as InMemoryCertificateStore
            ?? throw new InvalidOperationException(
                $"The in-memory revocation store works only with the in-memory certificate store, not {certificates?.GetType().Name}; register the IRevocationStore of the same storage package.");
        _certificates.Keys?.AttachReferences(InMemoryPrivateKeyStore.KeyReferrer.OcspResponders, id =>
        {
            lock (_gate)
            {
                return _responders.Values.Any(r => string.Equals(r.KeyId, id, StringComparison.Ordinal));
            }
        });
    }

    public ValueTask<CertificateRecord?> TryChangeStatusAsync(CertificateStatusChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        StoreInputRules.ThrowIfNotStorable(change);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_certificates.TryChangeStatus(change));
    }

    public ValueTask<long> GetLastChangeSequenceAsync(string authorityId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorityId);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_certificates.LastChangeSequence(authorityId));
    }

    public async IAsyncEnumerable<RevocationEntry> ListEntriesAsync(RevocationEntryQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        if (!StoreInputRules.CanMatch(query))
        {
            yield break;
        }
        var entries = _certificates.RevocationEntries(query);
        for (int i = 0; i < entries.Count; i++)
        {
            if ((i & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            yield return entries[i];
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public ValueTask<long> GetLastCrlNumberAsync(string authorityId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorityId);
        lock (_gate)
        {
            return ValueTask.FromResult(_crlNumbers.GetValueOrDefault(authorityId));
        }
    }

    public ValueTask<long> NextCrlNumberAsync(string authorityId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(authorityId);
        StoreInputRules.ThrowIfNotIndexable(authorityId, nameof(authorityId));
        var undo = InMemoryUndoLog.Current();
        long next;
        lock (_gate)
        {
            next = _crlNumbers.GetValueOrDefault(authorityId) + 1;
            _crlNumbers[authorityId] = next;
        }

        // Given back only if no later number was taken meanwhile (else the gap stays, as RFC 5280 allows).
        undo?.Add(() =>
        {
            lock (_gate)
            {
                if (_crlNumbers.GetValueOrDefault(authorityId) == next)
                {
                    _crlNumbers[authorityId] = next - 1;
                }
            }
        });
        return ValueTask.FromResult(next);
    }

    public ValueTask SaveCrlAsync(CertificateRevocationList crl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(crl);
        StoreInputRules.ThrowIfNotStorable(crl);
        var undo = InMemoryUndoLog.Current();
        SortedList<long, CertificateRevocationList>? history;
        bool added;
        lock (_gate)
        {
            var key = (crl.AuthorityId, crl.IsDelta);
            if (!_crls.TryGetValue(key, out history))
            {
                _crls[key] = history = [];
            }

            added = history.TryAdd(crl.Number, crl);
        }

        if (added)
        {
            undo?.Add(() =>
            {
                lock (_gate)
                {
                    if (history.TryGetValue(crl.Number, out var current) && ReferenceEquals(current, crl))
                    {
                        history.Remove(crl.Number);
                    }
                }
            });
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<CertificateRevocationList?> GetLatestCrlAsync(string authorityId, bool delta, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorityId); // as the SQL stores do
        lock (_gate)
        {
            return ValueTask.FromResult(_crls.TryGetValue((authorityId, delta), out var history) && history.Count > 0 ? history.Values[^1] : null);
        }
    }

    public ValueTask<int> PurgeCrlsAsync(DateTimeOffset nextUpdateBefore, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        cancellationToken.ThrowIfCancellationRequested();
        int removed = 0;
        lock (_gate)
        {
            foreach (var history in _crls.Values)
            {
                // Every entry but the last (the highest number) is superseded.
                var superseded = history.Values.Take(history.Count - 1).Where(c => c.NextUpdate < nextUpdateBefore).Take(limit - removed).ToList();
                foreach (var crl in superseded)
                {
                    history.Remove(crl.Number);
                }

                removed += superseded.Count;
                if (removed == limit)
                {
                    break;
                }
            }
        }

        return ValueTask.FromResult(removed);
    }

    public ValueTask SetOcspResponderAsync(OcspResponderRecord responder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(responder);
        StoreInputRules.ThrowIfNotStorable(responder);
        var undo = InMemoryUndoLog.Current();
        OcspResponderRecord? previous;
        lock (_gate)
        {
            previous = _responders.GetValueOrDefault(responder.AuthorityId);
            _responders[responder.AuthorityId] = responder;
        }

        undo?.Add(() =>
        {
            lock (_gate)
            {
                if (_responders.TryGetValue(responder.AuthorityId, out var current) && ReferenceEquals(current, responder))
                {
                    if (previous is null)
                    {
                        _responders.Remove(responder.AuthorityId);
                    }
                    else
                    {
                        _responders[responder.AuthorityId] = previous;
                    }
                }
            }
        });
        return ValueTask.CompletedTask;
    }

    public ValueTask<OcspResponderRecord?> GetOcspResponderAsync(string authorityId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_responders.GetValueOrDefault(authorityId));
        }
    }
}
