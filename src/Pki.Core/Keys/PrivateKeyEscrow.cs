using System.Security.Cryptography;

namespace Pki.Core.Keys;

/// <summary>
/// Keeps end-entity private keys the library generated (CSR generation, <c>IncludePrivateKey</c> issuance) encrypted in the
/// <see cref="IPrivateKeyStore"/>, indexed by the SHA-256 of their SubjectPublicKeyInfo so that a certificate issued later
/// for the same public key is linked to them. CA keys are stored without that index and can never be found this way.
/// </summary>
internal sealed class PrivateKeyEscrow(IPrivateKeyStore store, IPrivateKeyProtector protector, IdGenerator ids, TimeProvider time)
{
    /// <summary>A stored key ready to add; <see cref="AddAsync"/> persists it.</summary>
    public async ValueTask<StoredPrivateKey> PrepareAsync(SoftwareSigningKey key, CancellationToken cancellationToken)
    {
        string keyId = ids.NewId();
        byte[] pkcs8 = key.ExportPkcs8();
        try
        {
            byte[] protectedKey = await protector.ProtectAsync(keyId, pkcs8, cancellationToken).ConfigureAwait(false);
            return new StoredPrivateKey(keyId, key.Algorithm, protectedKey, time.GetUtcNow())
            {
                SubjectPublicKeySha256 = SHA256.HashData(key.SubjectPublicKeyInfo.Span),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    public ValueTask AddAsync(StoredPrivateKey key, CancellationToken cancellationToken) => store.AddAsync(key, cancellationToken);

    /// <summary>The id of the kept key for this public key, or null.</summary>
    public async ValueTask<string?> FindAsync(ReadOnlyMemory<byte> subjectPublicKeyInfo, CancellationToken cancellationToken)
    {
        byte[] hash = SHA256.HashData(subjectPublicKeyInfo.Span);
        var stored = await store.FindBySubjectPublicKeyHashAsync(hash, cancellationToken).ConfigureAwait(false);
        return stored?.Id;
    }
}
