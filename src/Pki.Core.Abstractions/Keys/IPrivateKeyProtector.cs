namespace Pki.Core;

/// <summary>
/// Encrypts private keys (PKCS#8 DER) before they reach an <see cref="IPrivateKeyStore"/>, and decrypts them. The default
/// is AES-256-GCM envelope encryption under the key-encryption key in the options; replace it (register your own before
/// <c>AddPki</c>) to wrap data keys with a KMS or an HSM.
/// </summary>
/// <remarks>
/// Implementations must bind a blob to its key id (a blob moved to another id must not decrypt) and must fail with
/// <see cref="PkiException"/> <see cref="PkiErrorCode.KeyUnavailable"/> — never return other bytes — when a blob was changed
/// or cannot be opened with the configured keys (the library treats <see cref="PkiErrorCode.InvalidKey"/>, the earlier
/// contract, the same).
/// </remarks>
public interface IPrivateKeyProtector
{
    /// <summary>Encrypts <paramref name="pkcs8"/> for the key id <paramref name="keyId"/>.</summary>
    ValueTask<byte[]> ProtectAsync(string keyId, ReadOnlyMemory<byte> pkcs8, CancellationToken cancellationToken);

    /// <summary>Decrypts a blob made by <see cref="ProtectAsync"/> for the same key id. The caller clears the result.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.KeyUnavailable"/> when the blob is malformed, was tampered with,
    /// belongs to another id, or its key-encryption key is not configured.</exception>
    ValueTask<byte[]> UnprotectAsync(string keyId, ReadOnlyMemory<byte> protectedKey, CancellationToken cancellationToken);

    /// <summary>
    /// Re-encrypts a blob under the current key-encryption key without changing the private key, or returns null when it
    /// already is under the current one (key-encryption key rotation).
    /// </summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.KeyUnavailable"/> as for <see cref="UnprotectAsync"/>.</exception>
    ValueTask<byte[]?> RewrapAsync(string keyId, ReadOnlyMemory<byte> protectedKey, CancellationToken cancellationToken);
}
