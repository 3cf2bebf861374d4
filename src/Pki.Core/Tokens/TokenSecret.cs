using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Pki.Core.Tokens;

/// <summary>
/// Token secrets: <c>crt_</c> followed by the unpadded base64url form of 32 bytes from a CSPRNG (256 bits), 47 ASCII
/// characters in all. Only SHA-256 of the secret is ever stored.
/// </summary>
/// <remarks>
/// A fast, unsalted hash is the right choice here: the secret carries 256 bits of entropy, so neither brute force nor
/// precomputed tables can invert its hash, and an unsalted hash lets a store find the token by an index on the hash.
/// Slow password hashes (PBKDF2, Argon2) exist for low-entropy human passwords and would add nothing but cost.
/// </remarks>
internal static class TokenSecret
{
    public const int EntropyBytes = 32;

    public const int HashBytes = SHA256.HashSizeInBytes;

    /// <summary>The length of a secret: the prefix plus 43 base64url characters.</summary>
    public static readonly int Length = RequestTokenOptions.SecretPrefix.Length + Base64Url.GetEncodedLength(EntropyBytes);

    /// <summary>A new secret from <see cref="RandomNumberGenerator"/>.</summary>
    public static string Generate()
    {
        Span<byte> entropy = stackalloc byte[EntropyBytes];
        RandomNumberGenerator.Fill(entropy);
        try
        {
            return RequestTokenOptions.SecretPrefix + Base64Url.EncodeToString(entropy);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(entropy);
        }
    }

    /// <summary>
    /// SHA-256 of the secret's ASCII bytes, or null when <paramref name="secret"/> is not shaped like a secret (null,
    /// wrong length, wrong prefix, a character outside the base64url alphabet). Never throws on hostile input.
    /// </summary>
    public static byte[]? HashOrNull(string? secret)
    {
        if (secret is null || secret.Length != Length || !secret.StartsWith(RequestTokenOptions.SecretPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        foreach (char c in secret.AsSpan(RequestTokenOptions.SecretPrefix.Length))
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_'))
            {
                return null;
            }
        }

        Span<byte> ascii = stackalloc byte[Length];
        int written = Encoding.ASCII.GetBytes(secret, ascii);
        byte[] hash = SHA256.HashData(ascii[..written]);
        CryptographicOperations.ZeroMemory(ascii);
        return hash;
    }
}
