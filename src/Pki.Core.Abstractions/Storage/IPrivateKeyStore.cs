namespace Pki.Core;

/// <summary>Persists encrypted private keys (CA keys, and generated keys kept for later export).</summary>
public interface IPrivateKeyStore
{
    /// <summary>Adds a key atomically.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.Conflict"/> when the id exists.</exception>
    ValueTask AddAsync(StoredPrivateKey key, CancellationToken cancellationToken);

    /// <summary>Gets a key by id, or null.</summary>
    ValueTask<StoredPrivateKey?> GetAsync(string id, CancellationToken cancellationToken);
}
