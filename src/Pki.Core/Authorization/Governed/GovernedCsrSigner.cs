using System.Diagnostics;
using Pki.Core.Audit;
using Pki.Core.Diagnostics;
using Pki.Core.Issuance;

namespace Pki.Core.Authorization.Governed;

/// <summary><see cref="ICsrSigner"/> as hosts see it: authorized on the CA, audited once, measured and traced.</summary>
internal sealed class GovernedCsrSigner(CsrSigner inner, GovernedAuthorityLookup lookup, PkiAuthorizer authorizer, AuditWriter audit) : ICsrSigner
{
    public ValueTask<IssuedCertificate> SignAsync(SignCsrRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return audit.RecordAsync("certificate.sign-csr", AuditObjects.Certificate, null, async () =>
        {
            using var activity = PkiTelemetry.Source.StartActivity("pki.sign-csr");
            var authority = await lookup.DemandIssuerAsync(request.Authority, request.Profile, cancellationToken).ConfigureAwait(false);
            authorizer.DemandOwner(request.Organization, authority);
            long started = Stopwatch.GetTimestamp();
            var issued = await inner.SignAsync(request with { Authority = CaReference.ById(authority.Id) }, authority, cancellationToken).ConfigureAwait(false);
            IssuanceMetrics.Record(issued, started);
            return issued;
        }, IssuanceMetrics.Describe, cancellationToken);
    }
}
