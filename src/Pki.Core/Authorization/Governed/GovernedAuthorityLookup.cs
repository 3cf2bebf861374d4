using Pki.Core.Authority;

namespace Pki.Core.Authorization.Governed;

/// <summary>Finds CAs the way a caller may: names resolve within the caller's organization, and invisible CAs do not exist.</summary>
internal sealed class GovernedAuthorityLookup(AuthorityResolver resolver, PkiAuthorizer authorizer)
{
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/> when the CA does not exist or the caller cannot see it.</exception>
    public async ValueTask<AuthorityRecord> FindVisibleAsync(CaReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var caller = authorizer.Caller;
        if (reference.Name is not null && !caller.IsSuperuser)
        {
            // seed 003: ca_name is scoped to the caller's organization; superusers may name any CA.
            reference = CaReference.ByName(reference.Name, caller.Organization);
        }

        var authority = await resolver.FindAsync(reference, cancellationToken).ConfigureAwait(false);
        return authorizer.CanSee(authority.Id, authority.Organization)
            ? authority
            : throw new PkiException(PkiErrorCode.AuthorityNotFound, $"{reference} does not exist.");
    }

    /// <summary>Finds a visible CA and demands <paramref name="operation"/> on it.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/> or <see cref="PkiErrorCode.Forbidden"/>.</exception>
    public async ValueTask<AuthorityRecord> DemandAsync(CaReference reference, PkiOperation operation, CancellationToken cancellationToken)
    {
        var authority = await FindVisibleAsync(reference, cancellationToken).ConfigureAwait(false);
        authorizer.Demand(operation, authority.Id, authority.Organization);
        return authority;
    }
}
