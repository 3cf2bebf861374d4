using Pki.Core.Authority;
using Pki.Core.Issuance.Profiles;

namespace Pki.Core.Authorization.Governed;

/// <summary>Finds CAs the way a caller may: names resolve within the caller's organization, and invisible CAs do not exist.</summary>
internal sealed class GovernedAuthorityLookup(AuthorityResolver resolver, PkiAuthorizer authorizer, ProfileCatalog profiles)
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
    public async ValueTask<AuthorityRecord> DemandIssuerAsync(CaReference reference, string profile, CancellationToken cancellationToken)
    {
        var authority = await FindVisibleAsync(reference, forIssuance: true, cancellationToken).ConfigureAwait(false);
        authorizer.Demand(PkiOperation.Issue, authority.Id, authority.Organization);
        DemandProfile(profile, authority);
        return authority;
    }

    /// <summary>
    /// A profile whose certificates answer OCSP for the CA (id-kp-OCSPSigning, or ocsp-nocheck) makes a delegated
    /// responder: whoever holds its key can sign "good" for any certificate of the CA, a revoked one included. Issuing one
    /// — or a token for one — takes <see cref="PkiOperation.Publish"/> on the CA, as
    /// <see cref="IRevocationService.IssueOcspSigningCertificateAsync"/> does, whichever way it is asked for.
    /// </summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.Forbidden"/>; <see cref="PkiErrorCode.InvalidRequest"/> for an unknown profile.</exception>
    public void DemandProfile(string? profile, AuthorityRecord authority)
    {
        // No profile: the operation's own default (a token's is client) or its own error, decided by the engine.
        if (profile is not null && profiles.Get(profile).MakesOcspResponders)
        {
            authorizer.Demand(PkiOperation.Publish, authority.Id, authority.Organization);
        }
    }

    /// <summary>
    /// Whether the caller can see <paramref name="certificate"/>: by its owner organization or a capability on its CA (see
    /// <see cref="PkiAuthorizer.CanSee"/>), or as an Admin of the organization of the CA that issued it — who may revoke
    /// what that CA issued, whichever organization the certificate was filed under. The CA is read only in that last case.
    /// </summary>
    public async ValueTask<bool> CanSeeCertificateAsync(CertificateRecord certificate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return authorizer.CanSee(certificate.CertificateAuthority.Id, certificate.OwnerOrganization)
            || await IsAdminOfAuthorityAsync(certificate.CertificateAuthority.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True when the caller is an Admin of the organization of CA <paramref name="authorityId"/> (which exists).</summary>
    public async ValueTask<bool> IsAdminOfAuthorityAsync(string authorityId, CancellationToken cancellationToken)
    {
        var caller = authorizer.Caller;
        if (!caller.Roles.HasFlag(PkiRoles.Admin) || caller.Organization is null)
        {
            return false;
        }

        try
        {
            var authority = await resolver.FindAsync(CaReference.ById(authorityId), cancellationToken).ConfigureAwait(false);
            return string.Equals(authority.Organization, caller.Organization, StringComparison.Ordinal);
        }
        catch (PkiException e) when (e.Code == PkiErrorCode.AuthorityNotFound)
        {
            return false;
        }
    }

    private async ValueTask<AuthorityRecord> FindVisibleAsync(CaReference reference, bool forIssuance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var caller = authorizer.Caller;
        AuthorityRecord authority;
        if (reference.Name is not null && reference.Organization is null && caller.IsSuperuser)
        {
            // seed 003: superusers may resolve any CA by name.
            authority = await resolver.FindInAnyOrganizationAsync(reference.Name, forIssuance, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (reference.Name is not null && !caller.IsSuperuser)
            {
                // seed 003: ca_name is scoped to the caller's organization.
                reference = CaReference.ByName(reference.Name, caller.Organization);
            }

            authority = forIssuance
                ? await resolver.FindForIssuanceAsync(reference, cancellationToken).ConfigureAwait(false)
                : await resolver.FindAsync(reference, cancellationToken).ConfigureAwait(false);
        }

        return authorizer.CanSee(authority.Id, authority.Organization)
            ? authority
            : throw new PkiException(PkiErrorCode.AuthorityNotFound, $"{reference} does not exist.");
    }
}
