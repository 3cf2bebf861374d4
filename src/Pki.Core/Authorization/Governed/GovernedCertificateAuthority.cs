using System.Diagnostics;
using System.Runtime.CompilerServices;
using Pki.Core.Audit;
using Pki.Core.Authority;
using Pki.Core.Diagnostics;

namespace Pki.Core.Authorization.Governed;

/// <summary>
/// <see cref="ICertificateAuthority"/> as hosts see it: every call authorized by <see cref="PkiAuthorizer"/>, scoped to
/// the caller's organization, audited once, measured and traced; the engine behind it holds the rules of PKI.
/// </summary>
internal sealed class GovernedCertificateAuthority(
    CertificateAuthorityService inner,
    GovernedAuthorityLookup lookup,
    PkiAuthorizer authorizer,
    AuditWriter audit) : ICertificateAuthority
{
    public ValueTask<AuthorityRecord> CreateRootAsync(CreateRootAuthorityRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return audit.RecordAsync("authority.create", AuditObjects.Authority, null, () =>
        {
            authorizer.Demand(PkiOperation.ManageAuthority, null, request.Organization);
            return inner.CreateRootAsync(request, cancellationToken);
        }, a => (a.Id, a.Id), inOneTransaction: true, cancellationToken);
    }

    public ValueTask<AuthorityRecord> CreateIntermediateAsync(CreateIntermediateAuthorityRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return audit.RecordAsync("authority.create", AuditObjects.Authority, null, async () =>
        {
            var parent = await lookup.FindVisibleAsync(request.Parent, cancellationToken).ConfigureAwait(false);
            // Managing CAs in the parent's organization as well as in the new CA's: a capability that only makes the
            // parent visible (revoke, export) must not let another organization's Admin hang a CA under it.
            authorizer.Demand(PkiOperation.ManageAuthority, parent.Id, parent.Organization);
            authorizer.Demand(PkiOperation.ManageAuthority, parent.Id, request.Organization);
            return await inner.CreateIntermediateAsync(request with { Parent = CaReference.ById(parent.Id) }, cancellationToken).ConfigureAwait(false);
        }, a => (a.Id, a.Id), inOneTransaction: true, cancellationToken);
    }

    public ValueTask<AuthorityRecord> ImportAsync(ImportAuthorityRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return audit.RecordAsync("authority.import", AuditObjects.Authority, null, () =>
        {
            authorizer.Demand(PkiOperation.ManageAuthority, null, request.Organization);
            return inner.ImportAsync(request, cancellationToken);
        }, a => (a.Id, a.Id), inOneTransaction: true, cancellationToken);
    }

    public ValueTask<AuthorityRecord> GetAsync(CaReference authority, CancellationToken cancellationToken = default) =>
        lookup.FindVisibleAsync(authority, cancellationToken);

    public async IAsyncEnumerable<AuthorityRecord> ListAsync(AuthorityQuery? query = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        query ??= new AuthorityQuery();
        var caller = authorizer.Caller;
        if (!caller.IsSuperuser && caller.Organization is null)
        {
            // A caller of no organization sees only the CAs it holds a capability on (PkiAuthorizer): list those, not all.
            await foreach (var authority in CapabilityAuthoritiesAsync(caller, query, cancellationToken).ConfigureAwait(false))
            {
                yield return authority;
            }

            yield break;
        }

        if (!caller.IsSuperuser)
        {
            query = query with { Organization = caller.Organization };
        }

        await foreach (var authority in inner.ListAsync(query, cancellationToken).ConfigureAwait(false))
        {
            yield return authority;
        }
    }

    /// <summary>The CAs <paramref name="caller"/> holds a capability on that match <paramref name="query"/>, in id order, paged like a store.</summary>
    private async IAsyncEnumerable<AuthorityRecord> CapabilityAuthoritiesAsync(PkiCaller caller, AuthorityQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        int yielded = 0;
        foreach (string id in caller.Capabilities.Where(c => c.Value != PkiCapabilities.None).Select(c => c.Key).Order(StoreIdOrder.Instance))
        {
            if (yielded >= query.Limit)
            {
                yield break;
            }

            if (query.After is not null && StoreIdOrder.Instance.Compare(id, query.After) <= 0)
            {
                continue;
            }

            AuthorityRecord authority;
            try
            {
                authority = await inner.GetAsync(CaReference.ById(id), cancellationToken).ConfigureAwait(false);
            }
            catch (PkiException ex) when (ex.Code is PkiErrorCode.AuthorityNotFound or PkiErrorCode.InvalidRequest)
            {
                continue; // a capability on a CA that does not exist (any more)
            }

            if (query.Matches(authority))
            {
                yielded++;
                yield return authority;
            }
        }
    }

    public async ValueTask<string> GetChainPemAsync(CaReference authority, CancellationToken cancellationToken = default)
    {
        var visible = await lookup.FindVisibleAsync(authority, cancellationToken).ConfigureAwait(false);
        return await inner.GetChainPemAsync(CaReference.ById(visible.Id), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<IssuedCertificate> IssueAsync(IssueCertificateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return audit.RecordAsync("certificate.issue", AuditObjects.Certificate, null, async () =>
        {
            using var activity = PkiTelemetry.Source.StartActivity("pki.issue");
            var authority = await lookup.DemandIssuerAsync(request.Authority, request.Profile, cancellationToken).ConfigureAwait(false);
            authorizer.DemandOwner(request.Organization, authority);
            long started = Stopwatch.GetTimestamp();
            var issued = await inner.IssueAsync(request with { Authority = CaReference.ById(authority.Id) }, authority, cancellationToken).ConfigureAwait(false);
            IssuanceMetrics.Record(issued, started);
            return issued;
        }, IssuanceMetrics.Describe, inOneTransaction: request.IncludePrivateKey, cancellationToken); // the escrowed key and its certificate
    }

    public async ValueTask<CertificateRecord> GetCertificateAsync(string id, CancellationToken cancellationToken = default)
    {
        var certificate = await inner.GetCertificateAsync(id, cancellationToken).ConfigureAwait(false);
        return await lookup.CanSeeCertificateAsync(certificate, cancellationToken).ConfigureAwait(false)
            ? certificate
            : throw new PkiException(PkiErrorCode.CertificateNotFound, $"Certificate '{id}' does not exist.");
    }

    public async IAsyncEnumerable<CertificateRecord> ListCertificatesAsync(CertificateQuery? query = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        query ??= new CertificateQuery();
        if (!authorizer.TryScopeListing(query.AuthorityId, out string? organization))
        {
            yield break;
        }

        // An Admin of the CA's organization lists everything that CA issued, whichever organization it was filed under.
        if (organization is not null && !(query.AuthorityId is { } authorityId && await lookup.IsAdminOfAuthorityAsync(authorityId, cancellationToken).ConfigureAwait(false)))
        {
            query = query with { Organization = organization };
        }

        await foreach (var certificate in inner.ListCertificatesAsync(query, cancellationToken).ConfigureAwait(false))
        {
            yield return certificate;
        }
    }
}
