using System.Security.Cryptography;
using System.Text;
using Pki.Core;

namespace Pki.CaServer.Security;

/// <summary>
/// API keys, kept only as SHA-256 hashes. A presented key is hashed and compared with every registered hash in constant
/// time, so neither the match nor its position leaks through timing.
/// </summary>
public sealed class ApiKeyRegistry
{
    private readonly Lock _lock = new();
    private (byte[] Hash, PkiCaller Caller)[] _keys = [];

    /// <summary>Registers the key whose SHA-256 is <paramref name="sha256"/> for <paramref name="caller"/>.</summary>
    public void Add(ReadOnlySpan<byte> sha256, PkiCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (sha256.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException("An API key hash is 32 bytes (64 hex characters).", nameof(sha256));
        }

        lock (_lock)
        {
            _keys = [.. _keys, (sha256.ToArray(), caller)];
        }
    }

    /// <summary>The caller of <paramref name="apiKey"/>, or null when no key matches.</summary>
    public PkiCaller? Find(string apiKey)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        byte[] hash = Hash(apiKey);
        PkiCaller? found = null;
        foreach (var (candidate, caller) in _keys)
        {
            // No early exit: every registered hash is compared.
            if (CryptographicOperations.FixedTimeEquals(candidate, hash))
            {
                found = caller;
            }
        }

        return found;
    }

    /// <summary>SHA-256 of the key's UTF-8 bytes.</summary>
    public static byte[] Hash(string apiKey) => SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));

    /// <summary>A new random API key (256 bits, base64url, prefixed <c>pki_</c>).</summary>
    public static string NewKey() => "pki_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
