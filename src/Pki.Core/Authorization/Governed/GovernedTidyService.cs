using Pki.Core.Audit;
using Pki.Core.Diagnostics;
using Pki.Core.Tidy;

namespace Pki.Core.Authorization.Governed;

/// <summary>Tidy as hosts see it: Superuser (or the system caller) only, because it spans every CA; audited once; measured.</summary>
internal sealed class GovernedTidyService(TidyService inner, PkiAuthorizer authorizer, AuditWriter audit) : ITidyService
{
    public ValueTask<TidyReport> TidyAsync(TidyRequest? request = null, CancellationToken cancellationToken = default) =>
        audit.RecordAsync("storage.tidy", AuditObjects.Storage, null, async () =>
        {
            if (!authorizer.Caller.IsSuperuser)
            {
                throw new PkiException(PkiErrorCode.Forbidden, $"'{authorizer.Caller.Subject}' may not tidy the stores.");
            }

            var report = await inner.TidyAsync(request, cancellationToken).ConfigureAwait(false);
            Count("certificate", report.CertificatesRemoved);
            Count("private-key", report.PrivateKeysRemoved);
            Count("token", report.TokensRemoved);
            Count("crl", report.CrlsRemoved);
            Count("unreferenced-key", report.UnreferencedKeysRemoved);
            return report;
        }, _ => (null, null), cancellationToken);

    private static void Count(string kind, int removed)
    {
        if (removed > 0)
        {
            PkiTelemetry.TidyRemoved.Add(removed, new KeyValuePair<string, object?>("kind", kind));
        }
    }
}
