using Pki.Core.Audit;
using Pki.Core.Keys;
using Pki.Core.Keys.Export;
using Pki.Core.Keys.Generation;

namespace Pki.Core.Authorization.Governed;

/// <summary>Key-encryption-key rotation as hosts see it: Superuser only; audited.</summary>
internal sealed class GovernedKeyEncryptionKeyRotation(KeyEncryptionKeyRotation inner, PkiAuthorizer authorizer, AuditWriter audit) : IKeyEncryptionKeyRotation
{
    public ValueTask<int> RewrapAllAsync(CancellationToken cancellationToken = default) =>
        audit.RecordAsync("key.rotate-kek", AuditObjects.Key, null, () =>
        {
            if (!authorizer.Caller.IsSuperuser)
            {
                throw new PkiException(PkiErrorCode.Forbidden, $"'{authorizer.Caller.Subject}' may not rotate the key-encryption key.");
            }

            return inner.RewrapAllAsync(cancellationToken);
        }, _ => (null, null), cancellationToken);
}
