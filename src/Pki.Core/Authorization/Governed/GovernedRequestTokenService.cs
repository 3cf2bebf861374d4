using System.Diagnostics;
using System.Runtime.CompilerServices;
using Pki.Core.Audit;
using Pki.Core.Diagnostics;
using Pki.Core.Tokens;

namespace Pki.Core.Authorization.Governed;

/// <summary>
/// <see cref="IRequestTokenService"/> as hosts see it: creating and deleting tokens needs <c>create_cert</c> on the CA
/// (or Admin/Superuser); redeeming is authorized by the token itself; reads are scoped to the caller's organization.
/// </summary>
internal sealed class GovernedRequestTokenService(
    RequestTokenService inner,
    GovernedAuthorityLookup lookup,
    PkiAuthorizer authorizer,
    AuditWriter audit) : IRequestTokenService
{
    public ValueTask<CreatedRequestToken> CreateAsync(CreateRequestTokenRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return audit.RecordAsync("token.create", AuditObjects.Token, null, async () =>
        {
            var authority = await lookup.DemandAsync(request.Authority, PkiOperation.ManageToken, cancellationToken).ConfigureAwait(false);
            authorizer.DemandOwner(request.OwnerOrganization, authority);
            lookup.DemandProfile(request.Profile, authority); // a token is redeemed anonymously: the creator answers for what it makes
            var created = await inner.CreateAsync(request with { Authority = CaReference.ById(authority.Id) }, cancellationToken).ConfigureAwait(false);
            PkiTelemetry.TokensCreated.Add(1, new KeyValuePair<string, object?>("ca", authority.Id));
            return created;
        }, c => (c.Token.Id, c.Token.Authority.Id), cancellationToken);
    }

    public ValueTask<IssuedCertificate> RedeemAsync(RedeemRequestTokenRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return audit.RecordAsync("token.redeem", AuditObjects.Certificate, null, async () =>
        {
            using var activity = PkiTelemetry.Source.StartActivity("pki.redeem");
            long started = Stopwatch.GetTimestamp();
            var issued = await inner.RedeemAsync(request, cancellationToken).ConfigureAwait(false);
            IssuanceMetrics.Record(issued, started);
            PkiTelemetry.TokensRedeemed.Add(1, new KeyValuePair<string, object?>("ca", issued.Record.CertificateAuthority.Id));
            return issued;
        }, IssuanceMetrics.Describe, cancellationToken);
    }

    public async ValueTask<RequestTokenRecord> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var token = await inner.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return Visible(token) || await lookup.IsAdminOfAuthorityAsync(token.Authority.Id, cancellationToken).ConfigureAwait(false)
            ? token
            : throw TokenErrors.NotFound(); // an Admin of the token's CA sees it whichever organization owns it, as for certificates
    }

    public async IAsyncEnumerable<RequestTokenRecord> ListAsync(RequestTokenQuery? query = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // The visibility rule goes into the query (filtering a page afterwards returned short or empty pages with no way
        // to go on), as for certificates.
        query ??= new RequestTokenQuery();
        bool authorityAdmin = query.AuthorityId is { } authorityId && await lookup.IsAdminOfAuthorityAsync(authorityId, cancellationToken).ConfigureAwait(false);
        if (!authorizer.TryScopeListing(query.AuthorityId, out string? organization)
            || (!authorityAdmin && organization is not null && query.OwnerOrganization is not null && !string.Equals(query.OwnerOrganization, organization, StringComparison.Ordinal)))
        {
            yield break; // nothing visible, or another organization's tokens
        }

        if (organization is not null && !authorityAdmin)
        {
            query = query with { OwnerOrganization = organization };
        }

        await foreach (var token in inner.ListAsync(query, cancellationToken).ConfigureAwait(false))
        {
            if (authorityAdmin || Visible(token))
            {
                yield return token;
            }
        }
    }

    public ValueTask<RequestTokenRecord> DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        audit.RecordAsync("token.delete", AuditObjects.Token, null, async () =>
        {
            var token = await GetAsync(id, cancellationToken).ConfigureAwait(false);
            var authority = await lookup.FindVisibleAsync(CaReference.ById(token.Authority.Id), cancellationToken).ConfigureAwait(false);
            authorizer.Demand(PkiOperation.ManageToken, authority.Id, authority.Organization);
            return await inner.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        }, t => (t.Id, t.Authority.Id), inOneTransaction: true, cancellationToken); // an administrator's change: with its event or not at all

    private bool Visible(RequestTokenRecord token) => authorizer.CanSee(token.Authority.Id, token.OwnerOrganization);
}
