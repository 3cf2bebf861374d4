using System.Security.Cryptography;

namespace Pki.Core.Keys;

/// <summary>
/// Keeps end-entity private keys the library generated (CSR generation, <c>IncludePrivateKey</c> issuance) encrypted in the
/// <see cref="IPrivateKeyStore"/>, indexed so that a certificate issued later for the same public key, and for the same
/// organization, is linked to them. CA keys are stored without that index and can never be found this way.
/// </summary>
/// <remarks>
/// The index (<see cref="StoredPrivateKey.SubjectPublicKeySha256"/>) is a SHA-256 over the organization the key is kept
/// for and its SubjectPublicKeyInfo. A CSR is no secret (it is stored with its certificate, and anyone may replay it):
/// without the organization in the index, a caller of another organization could sign someone else's generated CSR on
/// a CA of their own, get a certificate linked to that key, and export the key.
/// </remarks>
internal sealed class PrivateKeyEscrow(IPrivateKeyStore store, IPrivateKeyProtector protector, IdGenerator ids, TimeProvider time)
{
    /// <summary>A stored key ready to add; <see cref="AddAsync"/> persists it.</summary>
    /// <param name="key">The generated key.</param>
    /// <param name="organization">The organization the key is kept for (who generated it, or who owns its certificate).</param>
    /// <param name="cancellationToken">Cancels the encryption.</param>
    public async ValueTask<StoredPrivateKey> PrepareAsync(SoftwareSigningKey key, string? organization, CancellationToken cancellationToken)
    {
        string keyId = ids.NewId();
        byte[] pkcs8 = key.ExportPkcs8();
        try
        {
            byte[] protectedKey = await protector.ProtectAsync(keyId, pkcs8, cancellationToken).ConfigureAwait(false);
            return new StoredPrivateKey(keyId, key.Algorithm, protectedKey, time.GetUtcNow())
            {
                SubjectPublicKeySha256 = IndexOf(organization, key.SubjectPublicKeyInfo.Span),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    public ValueTask AddAsync(StoredPrivateKey key, CancellationToken cancellationToken) => store.AddAsync(key, cancellationToken);

    /// <summary>The id of the key kept for this public key and <paramref name="organization"/> (the owner of the
    /// certificate being issued), or null.</summary>
    public async ValueTask<string?> FindAsync(ReadOnlyMemory<byte> subjectPublicKeyInfo, string? organization, CancellationToken cancellationToken)
    {
        var stored = await store.FindBySubjectPublicKeyHashAsync(IndexOf(organization, subjectPublicKeyInfo.Span), cancellationToken).ConfigureAwait(false);
        return stored?.Id;
    }

    /// <summary>SHA-256 over a marker for "no organization" or the organization's UTF-8 text and a zero byte (an
    /// organization never holds U+0000), then the SubjectPublicKeyInfo.</summary>
    internal static byte[] IndexOf(string? organization, ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        // One buffer and one-shot SHA-256: this runs for every CSR signed.
        int organizationLength = organization is null ? 0 : System.Text.Encoding.UTF8.GetByteCount(organization) + 1;
        int length = 1 + organizationLength + subjectPublicKeyInfo.Length;
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var input = buffer.AsSpan(0, length);
            input[0] = organization is null ? (byte)0 : (byte)1;
            if (organization is not null)
            {
                int written = System.Text.Encoding.UTF8.GetBytes(organization, input[1..]);
                input[1 + written] = 0;
            }

            subjectPublicKeyInfo.CopyTo(input[(1 + organizationLength)..]);
            return SHA256.HashData(input);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
