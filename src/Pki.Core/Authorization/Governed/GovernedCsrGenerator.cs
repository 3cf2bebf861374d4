using Pki.Core.Audit;
using Pki.Core.Keys;
using Pki.Core.Keys.Export;
using Pki.Core.Keys.Generation;

namespace Pki.Core.Authorization.Governed;

/// <summary>
/// CSR generation as hosts see it: for callers who may issue somewhere (a capability, Admin or Superuser); audited, the
/// escrowed key and its event in one store transaction.
/// </summary>
internal sealed class GovernedCsrGenerator(CsrGenerator inner, PkiAuthorizer authorizer, AuditWriter audit) : ICsrGenerator
{
    public ValueTask<GeneratedCsr> GenerateAsync(GenerateCsrRequest request, CancellationToken cancellationToken = default) =>
        audit.RecordAsync("key.generate-csr", AuditObjects.Key, null, () =>
        {
            var caller = authorizer.Caller;
            bool mayIssue = caller.IsSuperuser || caller.Roles.HasFlag(PkiRoles.Admin)
                || caller.Capabilities.Values.Any(c => c.HasFlag(PkiCapabilities.CreateCertificate));
            if (!mayIssue)
            {
                throw new PkiException(PkiErrorCode.Forbidden, $"'{caller.Subject}' may not generate keys.");
            }

            return inner.GenerateAsync(request, cancellationToken);
        }, g => (g.PrivateKeyId, null), inOneTransaction: true, cancellationToken); // the key is kept only with its event
}
