using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Pki.Core.Storage.InMemory;

/// <summary>An <see cref="IPrivateKeyStore"/> in process memory; keys stay encrypted here too.</summary>
internal sealed class InMemoryPrivateKeyStore : IPrivateKeyStore
{
    private readonly ConcurrentDictionary<string, StoredPrivateKey> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SortedSet<string>> _byPublicKey = new(StringComparer.Ordinal);
    private readonly Lock _purgeGate = new();
    private readonly Dictionary<KeyReferrer, Func<string, bool>> _referrers = [];

    /// <summary>The stores whose records reference keys; each attaches a check when it is built over this store.</summary>
    internal enum KeyReferrer
    {
        Authorities,
        Certificates,
        OcspResponders,
    }

    /// <summary>Called by a store built over this one: <paramref name="references"/> tells whether it references a key id.</summary>
    internal void AttachReferences(KeyReferrer referrer, Func<string, bool> references)
    {
        lock (_purgeGate)
        {
            _referrers[referrer] = references;
        }
    }

    public ValueTask AddAsync(StoredPrivateKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        StoreInputRules.ThrowIfNotStorable(key);
        var copy = key with { ProtectedPkcs8 = key.ProtectedPkcs8.ToArray(), EscrowIndex = key.EscrowIndex.ToArray() };
        var undo = InMemoryUndoLog.Current();
        if (!_keys.TryAdd(key.Id, copy))
        {
            throw new PkiException(PkiErrorCode.Conflict, $"A key with id '{key.Id}' already exists.");
        }

        if (!copy.EscrowIndex.IsEmpty)
        {
            var ids = _byPublicKey.GetOrAdd(Convert.ToHexString(copy.EscrowIndex.Span), static _ => new SortedSet<string>(StoreIdOrder.Instance));
            lock (ids)
            {
                ids.Add(copy.Id);
            }
        }

        undo?.Add(() => Remove(copy));
        return ValueTask.CompletedTask;
    }

    public ValueTask<StoredPrivateKey?> GetAsync(string id, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_keys.GetValueOrDefault(id));

    public ValueTask<StoredPrivateKey?> FindByEscrowIndexAsync(ReadOnlyMemory<byte> escrowIndex, CancellationToken cancellationToken)
    {
        if (escrowIndex.IsEmpty || !_byPublicKey.TryGetValue(Convert.ToHexString(escrowIndex.Span), out var ids))
        {
            return ValueTask.FromResult<StoredPrivateKey?>(null);
        }

        lock (ids)
        {
            return ValueTask.FromResult(ids.Count == 0 ? null : _keys.GetValueOrDefault(ids.Min!));
        }
    }

    public async IAsyncEnumerable<StoredPrivateKey> ListAsync(PrivateKeyQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        StoreInputRules.ThrowIfNotStorable(query);
        await Task.CompletedTask.ConfigureAwait(false);
        var page = _keys.Values
            .Where(k => query.After is null || StoreIdOrder.Instance.Compare(k.Id, query.After) > 0)
            .OrderBy(k => k.Id, StoreIdOrder.Instance)
            .Take(query.Limit)
            .ToList();
        foreach (var key in page)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }
    }

    /// <summary>Removes the key if it is an escrowed one (non-empty public-key hash); CA keys are never removed.</summary>
    internal bool RemoveEscrowed(string id) =>
        _keys.TryGetValue(id, out var key) && !key.EscrowIndex.IsEmpty && Remove(key);

    /// <summary>Removes exactly <paramref name="key"/> (not a later replacement of it) and its public-key index entry.</summary>
    private bool Remove(StoredPrivateKey key)
    {
        string id = key.Id;
        if (!_keys.TryRemove(new KeyValuePair<string, StoredPrivateKey>(id, key)))
        {
            return false;
        }

        if (!key.EscrowIndex.IsEmpty && _byPublicKey.TryGetValue(Convert.ToHexString(key.EscrowIndex.Span), out var ids))
        {
            lock (ids)
            {
                ids.Remove(id);
            }
        }

        return true;
    }

    /// <remarks>
    /// Removes nothing until the authority, certificate and revocation stores built over this store have attached their
    /// reference checks (a key whose referrers are unknown is kept). Each check takes its store's lock, so a reference
    /// stored before the check is seen; the grace period (<see cref="PrivateKeyPurge.CreatedBefore"/>) covers one stored
    /// while the batch runs, as a reference is only ever added to a key just created.
    /// </remarks>
    public ValueTask<int> PurgeUnreferencedAsync(PrivateKeyPurge purge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(purge);
        ArgumentOutOfRangeException.ThrowIfLessThan(purge.Limit, 1, nameof(purge));
        cancellationToken.ThrowIfCancellationRequested();
        lock (_purgeGate)
        {
            if (_referrers.Count < Enum.GetValues<KeyReferrer>().Length)
            {
                return ValueTask.FromResult(0);
            }

            int removed = 0;
            foreach (var key in _keys.Values)
            {
                if (removed == purge.Limit)
                {
                    break;
                }

                if (key.EscrowIndex.IsEmpty && key.CreatedAt < purge.CreatedBefore
                    && !_referrers.Values.Any(references => references(key.Id))
                    && _keys.TryRemove(new KeyValuePair<string, StoredPrivateKey>(key.Id, key)))
                {
                    removed++;
                }
            }

            return ValueTask.FromResult(removed);
        }
    }

    public ValueTask ReplaceProtectedKeyAsync(string id, ReadOnlyMemory<byte> expectedProtectedPkcs8, ReadOnlyMemory<byte> protectedPkcs8, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var undo = InMemoryUndoLog.Current();
        while (true)
        {
            if (!_keys.TryGetValue(id, out var current))
            {
                throw new PkiException(PkiErrorCode.PrivateKeyNotFound, $"The key '{id}' does not exist.");
            }

            if (!current.ProtectedPkcs8.Span.SequenceEqual(expectedProtectedPkcs8.Span))
            {
                throw new PkiException(PkiErrorCode.ConcurrencyConflict, $"The key '{id}' was changed concurrently.");
            }

            var replaced = current with { ProtectedPkcs8 = protectedPkcs8.ToArray() };
            if (_keys.TryUpdate(id, replaced, current))
            {
                undo?.Add(() => _keys.TryUpdate(id, current, replaced));
                return ValueTask.CompletedTask;
            }
        }
    }
}
