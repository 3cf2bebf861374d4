using System.Collections.Concurrent;

namespace Pki.Core.Storage.InMemory;

/// <summary>An <see cref="IPrivateKeyStore"/> in process memory; keys stay encrypted here too.</summary>
internal sealed class InMemoryPrivateKeyStore : IPrivateKeyStore
{
    private readonly ConcurrentDictionary<string, StoredPrivateKey> _keys = new(StringComparer.Ordinal);

    public ValueTask AddAsync(StoredPrivateKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _keys.TryAdd(key.Id, key)
            ? ValueTask.CompletedTask
            : throw new PkiException(PkiErrorCode.Conflict, $"A key with id '{key.Id}' already exists.");
    }

    public ValueTask<StoredPrivateKey?> GetAsync(string id, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_keys.GetValueOrDefault(id));
}
