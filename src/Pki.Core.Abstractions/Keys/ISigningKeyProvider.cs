namespace Pki.Core;

/// <summary>Creates, imports and loads CA signing keys, named by a key id kept on the <see cref="AuthorityRecord"/>.</summary>
public interface ISigningKeyProvider
{
    /// <summary>Generates a new key and returns its id.</summary>
    ValueTask<string> CreateAsync(KeyAlgorithm algorithm, CancellationToken cancellationToken);

    /// <summary>Takes over an existing key given as unencrypted PKCS#8 DER and returns its id.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidKey"/> when the key is malformed or of an unsupported algorithm.</exception>
    ValueTask<string> ImportAsync(ReadOnlyMemory<byte> pkcs8, CancellationToken cancellationToken);

    /// <summary>Loads the key with id <paramref name="keyId"/>.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.KeyUnavailable"/> when no such key exists or it cannot be
    /// decrypted.</exception>
    ValueTask<ISigningKey> GetAsync(string keyId, CancellationToken cancellationToken);
}
