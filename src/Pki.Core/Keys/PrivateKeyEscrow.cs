using System.Security.Cryptography;

namespace Pki.Core.Keys;

/// <summary>
/// Keeps end-entity private keys the library generated (CSR generation, <c>IncludePrivateKey</c> issuance) encrypted in the
/// <see cref="IPrivateKeyStore"/>, indexed so that a certificate issued later for the same public key is linked to them —
/// only one requested by the caller who generated the key, for that caller's organization. CA keys are stored without
/// that index and can never be found this way.
/// </summary>
/// <remarks>
/// The index (<see cref="StoredPrivateKey.EscrowIndex"/>) is a SHA-256 over the organization the key is kept
/// for, for a generated CSR's key also the subject of the caller who generated it, and its SubjectPublicKeyInfo. A CSR
/// is no secret (it is stored with its certificate, and anyone may replay it): without the organization in the index, a
/// caller of another organization could sign someone else's generated CSR on a CA of their own, get a certificate linked
/// to that key, and export the key; without the generating caller, anyone of the same organization holding export
/// rights on some CA — a contractor granted one CA — could do the same on that CA.
/// </remarks>
internal sealed class PrivateKeyEscrow(
    IPrivateKeyStore store, IPrivateKeyProtector protector, IdGenerator ids, TimeProvider time, Authorization.ScopedCallerAccessor callers)
{
    /// <summary>A stored key ready to add, indexed for <paramref name="organization"/>; <see cref="AddAsync"/> persists it.</summary>
    /// <param name="key">The generated key.</param>
    /// <param name="organization">The organization the key is kept for (the owner of its certificate).</param>
    /// <param name="cancellationToken">Cancels the encryption.</param>
    public ValueTask<StoredPrivateKey> PrepareAsync(SoftwareSigningKey key, string? organization, CancellationToken cancellationToken) =>
        PrepareAsync(key, organization, requester: null, cancellationToken);

    /// <summary>A generated CSR's key, indexed for the current caller: only a certificate that caller requests, for its
    /// organization, is linked to it (see <see cref="FindGeneratedAsync"/>).</summary>
    public ValueTask<StoredPrivateKey> PrepareGeneratedAsync(SoftwareSigningKey key, CancellationToken cancellationToken)
    {
        var caller = callers.Caller;
        return PrepareAsync(key, caller.Organization, caller.Subject, cancellationToken);
    }

    private async ValueTask<StoredPrivateKey> PrepareAsync(SoftwareSigningKey key, string? organization, string? requester, CancellationToken cancellationToken)
    {
        string keyId = ids.NewId();
        byte[] pkcs8 = key.ExportPkcs8();
        try
        {
            byte[] protectedKey = await protector.ProtectAsync(keyId, pkcs8, cancellationToken).ConfigureAwait(false);
            return new StoredPrivateKey(keyId, key.Algorithm, protectedKey, time.GetUtcNow())
            {
                EscrowIndex = IndexOf(organization, requester, key.SubjectPublicKeyInfo.Span),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    public ValueTask AddAsync(StoredPrivateKey key, CancellationToken cancellationToken) => store.AddAsync(key, cancellationToken);

    /// <summary>The id of the key the current caller generated for this public key and <paramref name="organization"/>
    /// (the owner of the certificate being issued), or null.</summary>
    public async ValueTask<string?> FindGeneratedAsync(ReadOnlyMemory<byte> subjectPublicKeyInfo, string? organization, CancellationToken cancellationToken)
    {
        var caller = callers.Caller;
        if (!string.Equals(caller.Organization, organization, StringComparison.Ordinal))
        {
            return null; // a caller of another organization (or of none) whose subject happens to match is not the generator
        }

        byte[] index = IndexOf(organization, caller.Subject, subjectPublicKeyInfo.Span);
        var stored = await store.FindByEscrowIndexAsync(index, cancellationToken).ConfigureAwait(false);
        return stored?.Id;
    }

    /// <summary>The index of a key kept for <paramref name="organization"/> (format: see <see cref="IndexOf(string?, string?, ReadOnlySpan{byte})"/>).</summary>
    internal static byte[] IndexOf(string? organization, ReadOnlySpan<byte> subjectPublicKeyInfo) => IndexOf(organization, null, subjectPublicKeyInfo);

    /// <summary>
    /// SHA-256 over a marker byte (bit 0: an organization follows, bit 1: a requester follows), the organization's UTF-8
    /// text and a zero byte, the requester's UTF-8 text and a zero byte (neither ever holds U+0000), then the
    /// SubjectPublicKeyInfo. Without a requester the bytes are those of the earlier, organization-only format.
    /// </summary>
    internal static byte[] IndexOf(string? organization, string? requester, ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        // One buffer and one-shot SHA-256: this runs for every CSR signed.
        int organizationLength = organization is null ? 0 : System.Text.Encoding.UTF8.GetByteCount(organization) + 1;
        int requesterLength = requester is null ? 0 : System.Text.Encoding.UTF8.GetByteCount(requester) + 1;
        int length = 1 + organizationLength + requesterLength + subjectPublicKeyInfo.Length;
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var input = buffer.AsSpan(0, length);
            input[0] = (byte)((organization is null ? 0 : 1) | (requester is null ? 0 : 2));
            int at = 1;
            foreach (string? text in (ReadOnlySpan<string?>)[organization, requester])
            {
                if (text is not null)
                {
                    at += System.Text.Encoding.UTF8.GetBytes(text, input[at..]);
                    input[at++] = 0;
                }
            }

            subjectPublicKeyInfo.CopyTo(input[at..]);
            return SHA256.HashData(input);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
