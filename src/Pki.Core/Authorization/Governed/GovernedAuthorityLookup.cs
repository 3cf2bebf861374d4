using Pki.Core.Authority;

namespace Pki.Core.Authorization.Governed;

/// <summary>Finds CAs the way a caller may: names resolve within the caller's organization, and invisible CAs do not exist.</summary>
internal sealed class GovernedAuthorityLookup(AuthorityResolver resolver, PkiAuthorizer authorizer)
{
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/> when the CA does not exist or the caller cannot see it.</exception>
    public ValueTask<AuthorityRecord> FindVisibleAsync(CaReference reference, CancellationToken cancellationToken) =>
        FindVisibleAsync(reference, forIssuance: false, cancellationToken);

    /// <summary>Finds a visible CA and demands <paramref name="operation"/> on it.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/> or <see cref="PkiErrorCode.Forbidden"/>.</exception>
    public async ValueTask<AuthorityRecord> DemandAsync(CaReference reference, PkiOperation operation, CancellationToken cancellationToken)
    {
        var authority = await FindVisibleAsync(reference, cancellationToken).ConfigureAwait(false);
        authorizer.Demand(operation, authority.Id, authority.Organization);
        return authority;
    }

    /// <summary>
    /// Finds a visible CA to issue a certificate under and demands <see cref="PkiOperation.Issue"/> on it, reusing an active
    /// record read moments ago (see <see cref="AuthorityResolver.FindForIssuanceAsync"/>). Name, organization and id never
    /// change, so visibility and permission are decided as on a fresh record.
    /// </summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/> or <see cref="PkiErrorCode.Forbidden"/>.</exception>
    public async ValueTask<AuthorityRecord> DemandIssuerAsync(CaReference reference, CancellationToken cancellationToken)
    {
        var authority = await FindVisibleAsync(reference, forIssuance: true, cancellationToken).ConfigureAwait(false);
        authorizer.Demand(PkiOperation.Issue, authority.Id, authority.Organization);
        return authority;
    }

    private async ValueTask<AuthorityRecord> FindVisibleAsync(CaReference reference, bool forIssuance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var caller = authorizer.Caller;
        if (reference.Name is not null && !caller.IsSuperuser)
        {
            // seed 003: ca_name is scoped to the caller's organization; superusers may name any CA.
            reference = CaReference.ByName(reference.Name, caller.Organization);
        }

        var authority = forIssuance
            ? await resolver.FindForIssuanceAsync(reference, cancellationToken).ConfigureAwait(false)
            : await resolver.FindAsync(reference, cancellationToken).ConfigureAwait(false);
        return authorizer.CanSee(authority.Id, authority.Organization)
            ? authority
            : throw new PkiException(PkiErrorCode.AuthorityNotFound, $"{reference} does not exist.");
    }
}
