using Pki.Core.Audit;
using Pki.Core.Keys;
using Pki.Core.Keys.Export;
using Pki.Core.Keys.Generation;

namespace Pki.Core.Authorization.Governed;

/// <summary>
/// Private-key export as hosts see it: the one privileged path, allowed with <c>export_private_key</c> on the issuing CA
/// (or Admin of its organization, or Superuser), and always audited — the export itself or its refusal.
/// </summary>
internal sealed class GovernedPrivateKeyExporter(
    PrivateKeyExporter inner,
    ICertificateAuthority certificates,
    GovernedAuthorityLookup lookup,
    PkiAuthorizer authorizer,
    AuditWriter audit) : IPrivateKeyExporter
{
    public async ValueTask<ExportedPrivateKey> ExportAsync(string certificateId, PrivateKeyExportFormat format, string? password, CancellationToken cancellationToken = default)
    {
        string? authorityId = null;
        return await audit.RecordAsync("key.export", AuditObjects.Key, null, async () =>
        {
            // The governed lookup makes another organization's certificate "not found" before anything else is said.
            var certificate = await certificates.GetCertificateAsync(certificateId, cancellationToken).ConfigureAwait(false);
            var authority = await lookup.FindVisibleAsync(CaReference.ById(certificate.CertificateAuthority.Id), cancellationToken).ConfigureAwait(false);
            authorityId = authority.Id;
            authorizer.Demand(PkiOperation.ExportPrivateKey, authority.Id, authority.Organization);
            return await inner.ExportAsync(certificateId, format, password, cancellationToken).ConfigureAwait(false);
        }, _ => (certificateId, authorityId), inOneTransaction: false, target: () => (certificateId, authorityId), cancellationToken).ConfigureAwait(false);
    }
}
