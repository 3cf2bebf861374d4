using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Pki.Core.Keys;

/// <summary>
/// Encrypts private keys at rest with AES-256-GCM under the key-encryption key from <see cref="PkiOptions"/>. The key id
/// is bound as associated data, so a blob cannot be moved to another id. Layout: version (1) | nonce (12) | tag (16) | ciphertext.
/// </summary>
internal sealed class PrivateKeyProtector
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    public PrivateKeyProtector(IOptions<PkiOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _key = options.Value.KeyEncryptionKey is { Length: 32 } configured ? configured.ToArray() : RandomNumberGenerator.GetBytes(32);
    }

    public byte[] Protect(string keyId, ReadOnlySpan<byte> plaintext)
    {
        byte[] blob = new byte[1 + NonceSize + TagSize + plaintext.Length];
        blob[0] = Version;
        var nonce = blob.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plaintext, blob.AsSpan(1 + NonceSize + TagSize), blob.AsSpan(1 + NonceSize, TagSize), Encoding.UTF8.GetBytes(keyId));
        return blob;
    }

    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidKey"/> when the blob was tampered with or the key-encryption key differs.</exception>
    public byte[] Unprotect(string keyId, ReadOnlySpan<byte> blob)
    {
        if (blob.Length < 1 + NonceSize + TagSize || blob[0] != Version)
        {
            throw new PkiException(PkiErrorCode.InvalidKey, $"The stored key '{keyId}' has an unknown format.");
        }

        byte[] plaintext = new byte[blob.Length - 1 - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(blob.Slice(1, NonceSize), blob[(1 + NonceSize + TagSize)..], blob.Slice(1 + NonceSize, TagSize), plaintext, Encoding.UTF8.GetBytes(keyId));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new PkiException(PkiErrorCode.InvalidKey, $"The stored key '{keyId}' cannot be decrypted with the configured key-encryption key.", ex);
        }

        return plaintext;
    }
}
