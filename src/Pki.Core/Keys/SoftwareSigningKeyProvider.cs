using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Pki.Core.Keys;

/// <summary>
/// The default <see cref="ISigningKeyProvider"/>: software keys, stored encrypted in the <see cref="IPrivateKeyStore"/>
/// and kept loaded in memory once used.
/// </summary>
internal sealed class SoftwareSigningKeyProvider(IPrivateKeyStore store, IPrivateKeyProtector protector, IdGenerator ids, TimeProvider time)
    : ISigningKeyProvider, IDisposable
{
    private readonly ConcurrentDictionary<string, SoftwareSigningKey> _loaded = new(StringComparer.Ordinal);

    public async ValueTask<string> CreateAsync(KeyAlgorithm algorithm, CancellationToken cancellationToken)
    {
        var key = SoftwareSigningKey.Generate(algorithm);
        return await StoreAsync(key, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<string> ImportAsync(ReadOnlyMemory<byte> pkcs8, CancellationToken cancellationToken)
    {
        var key = SoftwareSigningKey.FromPkcs8(pkcs8.Span);
        return await StoreAsync(key, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<ISigningKey> GetAsync(string keyId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        if (_loaded.TryGetValue(keyId, out var cached))
        {
            return cached;
        }

        var stored = await store.GetAsync(keyId, cancellationToken).ConfigureAwait(false)
            ?? throw new PkiException(PkiErrorCode.KeyUnavailable, $"The signing key '{keyId}' does not exist.");
        byte[] pkcs8 = await protector.UnprotectStoredAsync(keyId, stored.ProtectedPkcs8, cancellationToken).ConfigureAwait(false);
        try
        {
            var key = SoftwareSigningKey.FromPkcs8(pkcs8);
            return _loaded.GetOrAdd(keyId, key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    public void Dispose()
    {
        foreach (var key in _loaded.Values)
        {
            key.Dispose();
        }
    }

    private async ValueTask<string> StoreAsync(SoftwareSigningKey key, CancellationToken cancellationToken)
    {
        string keyId = ids.NewId();
        byte[] pkcs8 = key.ExportPkcs8();
        try
        {
            var protectedKey = await protector.ProtectAsync(keyId, pkcs8, cancellationToken).ConfigureAwait(false);
            var stored = new StoredPrivateKey(keyId, key.Algorithm, protectedKey, time.GetUtcNow());
            await store.AddAsync(stored, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            key.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }

        _loaded[keyId] = key;
        return keyId;
    }
}
