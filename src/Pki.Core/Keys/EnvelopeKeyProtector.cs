using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Pki.Core.Keys;

/// <summary>
/// The default <see cref="IPrivateKeyProtector"/>: AES-256-GCM envelope encryption. Each private key is encrypted under a
/// fresh random 256-bit data key; the data key is wrapped (AES-256-GCM) by the key-encryption key (KEK) named in the blob.
/// Rotation re-wraps only the data key, so the encrypted private key itself never changes.
/// </summary>
/// <remarks>
/// <para>Layout of version 2: <c>2 | n | kekId (n ASCII bytes) | wrapNonce (12) | wrapTag (16) | wrappedDataKey (32) |
/// dataNonce (12) | dataTag (16) | ciphertext</c>. Associated data: the wrap binds <c>2 | n | kekId</c> and the key id; the
/// data encryption binds the version byte and the key id, so a blob moved to another id fails both.</para>
/// <para>Version 1 blobs (<c>1 | nonce | tag | ciphertext</c> directly under the KEK, before envelope encryption) are still
/// read with the current KEK, and <see cref="RewrapAsync"/> turns them into version 2.</para>
/// </remarks>
internal sealed class EnvelopeKeyProtector : IPrivateKeyProtector
{
    private const byte LegacyVersion = 1;
    private const byte Version = 2;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int DataKeySize = 32;
    private const int WrapSize = NonceSize + TagSize + DataKeySize;

    private readonly string _currentId;
    private readonly byte[] _currentKey;
    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public EnvelopeKeyProtector(IOptions<PkiOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _currentId = settings.KeyEncryptionKeyId;
        _currentKey = settings.KeyEncryptionKey is { Length: 32 } configured ? configured.ToArray() : RandomNumberGenerator.GetBytes(32);
        foreach (var (id, key) in settings.PreviousKeyEncryptionKeys)
        {
            _keys[id] = key.ToArray();
        }

        _keys[_currentId] = _currentKey;
    }

    public ValueTask<byte[]> ProtectAsync(string keyId, ReadOnlyMemory<byte> pkcs8, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        return ValueTask.FromResult(Protect(keyId, pkcs8.Span));
    }

    public ValueTask<byte[]> UnprotectAsync(string keyId, ReadOnlyMemory<byte> protectedKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        return ValueTask.FromResult(Unprotect(keyId, protectedKey.Span));
    }

    public ValueTask<byte[]?> RewrapAsync(string keyId, ReadOnlyMemory<byte> protectedKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        return ValueTask.FromResult(Rewrap(keyId, protectedKey.Span));
    }

    public byte[] Protect(string keyId, ReadOnlySpan<byte> plaintext)
    {
        byte[] header = Header(_currentId);
        byte[] blob = new byte[header.Length + WrapSize + NonceSize + TagSize + plaintext.Length];
        header.CopyTo(blob, 0);
        Span<byte> dataKey = stackalloc byte[DataKeySize];
        RandomNumberGenerator.Fill(dataKey);
        try
        {
            Wrap(keyId, header, dataKey, _currentKey, blob.AsSpan(header.Length, WrapSize));
            var data = blob.AsSpan(header.Length + WrapSize);
            RandomNumberGenerator.Fill(data[..NonceSize]);
            using var aes = new AesGcm(dataKey, TagSize);
            aes.Encrypt(data[..NonceSize], plaintext, data[(NonceSize + TagSize)..], data.Slice(NonceSize, TagSize), DataAad(keyId));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }

        return blob;
    }

    /// <exception cref="PkiException"><see cref="PkiErrorCode.KeyUnavailable"/> for a malformed, tampered or foreign blob.</exception>
    public byte[] Unprotect(string keyId, ReadOnlySpan<byte> blob)
    {
        if (blob.Length > 0 && blob[0] == LegacyVersion)
        {
            return UnprotectLegacy(keyId, blob);
        }

        var (header, kek) = ReadHeader(keyId, blob);
        Span<byte> dataKey = stackalloc byte[DataKeySize];
        try
        {
            Unwrap(keyId, blob[..header], blob.Slice(header, WrapSize), kek, dataKey);
            var data = blob[(header + WrapSize)..];
            byte[] plaintext = new byte[data.Length - NonceSize - TagSize];
            using var aes = new AesGcm(dataKey, TagSize);
            Decrypt(keyId, aes, data[..NonceSize], data[(NonceSize + TagSize)..], data.Slice(NonceSize, TagSize), plaintext, DataAad(keyId));
            return plaintext;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    public byte[]? Rewrap(string keyId, ReadOnlySpan<byte> blob)
    {
        if (blob.Length > 0 && blob[0] == LegacyVersion)
        {
            byte[] plaintext = UnprotectLegacy(keyId, blob);
            try
            {
                return Protect(keyId, plaintext);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plaintext);
            }
        }

        var (header, kek) = ReadHeader(keyId, blob);
        if (ReferenceEquals(kek, _currentKey))
        {
            return null;
        }

        byte[] newHeader = Header(_currentId);
        var data = blob[(header + WrapSize)..];
        byte[] result = new byte[newHeader.Length + WrapSize + data.Length];
        newHeader.CopyTo(result, 0);
        Span<byte> dataKey = stackalloc byte[DataKeySize];
        try
        {
            Unwrap(keyId, blob[..header], blob.Slice(header, WrapSize), kek, dataKey);
            Wrap(keyId, newHeader, dataKey, _currentKey, result.AsSpan(newHeader.Length, WrapSize));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }

        data.CopyTo(result.AsSpan(newHeader.Length + WrapSize));
        return result;
    }

    private static byte[] Header(string kekId)
    {
        byte[] header = new byte[2 + kekId.Length];
        header[0] = Version;
        header[1] = (byte)kekId.Length;
        Encoding.ASCII.GetBytes(kekId, header.AsSpan(2));
        return header;
    }

    /// <summary>The header length and the KEK it names.</summary>
    private (int HeaderLength, byte[] Kek) ReadHeader(string keyId, ReadOnlySpan<byte> blob)
    {
        if (blob.Length < 2 || blob[0] != Version || blob[1] is 0 or > 64 || blob.Length < 2 + blob[1] + WrapSize + NonceSize + TagSize)
        {
            throw new PkiException(PkiErrorCode.KeyUnavailable, $"The stored key '{keyId}' has an unknown format.");
        }

        int length = 2 + blob[1];
        string kekId = Encoding.ASCII.GetString(blob[2..length]);
        return _keys.TryGetValue(kekId, out byte[]? kek)
            ? (length, kek)
            : throw new PkiException(PkiErrorCode.KeyUnavailable, $"The stored key '{keyId}' is wrapped by a key-encryption key that is not configured.");
    }

    private static void Wrap(string keyId, ReadOnlySpan<byte> header, ReadOnlySpan<byte> dataKey, byte[] kek, Span<byte> destination)
    {
        RandomNumberGenerator.Fill(destination[..NonceSize]);
        using var aes = new AesGcm(kek, TagSize);
        aes.Encrypt(destination[..NonceSize], dataKey, destination[(NonceSize + TagSize)..], destination.Slice(NonceSize, TagSize), WrapAad(header, keyId));
    }

    private static void Unwrap(string keyId, ReadOnlySpan<byte> header, ReadOnlySpan<byte> wrapped, byte[] kek, Span<byte> dataKey)
    {
        using var aes = new AesGcm(kek, TagSize);
        Decrypt(keyId, aes, wrapped[..NonceSize], wrapped[(NonceSize + TagSize)..], wrapped.Slice(NonceSize, TagSize), dataKey, WrapAad(header, keyId));
    }

    private byte[] UnprotectLegacy(string keyId, ReadOnlySpan<byte> blob)
    {
        if (blob.Length < 1 + NonceSize + TagSize)
        {
            throw new PkiException(PkiErrorCode.KeyUnavailable, $"The stored key '{keyId}' has an unknown format.");
        }

        // A version-1 blob does not name the KEK that sealed it: try the current one, then every previous one, so that a
        // rotation done as documented (the old KEK moves to PreviousKeyEncryptionKeys) keeps it readable until
        // RewrapAllAsync upgrades it.
        byte[] plaintext = new byte[blob.Length - 1 - NonceSize - TagSize];
        byte[] aad = Encoding.UTF8.GetBytes(keyId);
        foreach (byte[] kek in _keys.Values.Where(k => !ReferenceEquals(k, _currentKey)).Prepend(_currentKey))
        {
            using var aes = new AesGcm(kek, TagSize);
            try
            {
                aes.Decrypt(blob.Slice(1, NonceSize), blob[(1 + NonceSize + TagSize)..], blob.Slice(1 + NonceSize, TagSize), plaintext, aad);
                return plaintext;
            }
            catch (AuthenticationTagMismatchException)
            {
                // not this KEK
            }
        }

        throw new PkiException(PkiErrorCode.KeyUnavailable, $"The stored key '{keyId}' cannot be decrypted with the configured key-encryption keys.");
    }

    private static void Decrypt(string keyId, AesGcm aes, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> aad)
    {
        try
        {
            aes.Decrypt(nonce, ciphertext, tag, plaintext, aad);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new PkiException(PkiErrorCode.KeyUnavailable, $"The stored key '{keyId}' cannot be decrypted with the configured key-encryption keys.", ex);
        }
    }

    private static byte[] WrapAad(ReadOnlySpan<byte> header, string keyId) => [.. header, .. Encoding.UTF8.GetBytes(keyId)];

    private static byte[] DataAad(string keyId) => [Version, .. Encoding.UTF8.GetBytes(keyId)];
}
