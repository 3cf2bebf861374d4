namespace Pki.Core.Authorization;

/// <summary>
/// The one authorization point (seed 003): a capability on the target CA, or Admin in the CA's organization, or
/// Superuser. Reading needs membership of the object's organization (or a capability on its CA). Objects of another
/// organization are invisible rather than forbidden, so their existence does not leak.
/// </summary>
internal sealed class PkiAuthorizer(ICallerAccessor callers)
{
    public PkiCaller Caller => callers.Caller ?? throw new InvalidOperationException("The ICallerAccessor returned no caller. Register it as a singleton that reads the current request (see ICallerAccessor).");

    /// <summary>True when the caller may do <paramref name="operation"/> on a CA with this id and organization.</summary>
    public static bool IsAllowed(PkiCaller caller, PkiOperation operation, string? authorityId, string? organization)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.IsSuperuser)
        {
            return true;
        }

        bool sameOrganization = caller.Organization is not null && caller.Organization == organization;
        if (caller.Roles.HasFlag(PkiRoles.Admin) && sameOrganization)
        {
            return true;
        }

        var held = authorityId is null ? PkiCapabilities.None : caller.CapabilitiesOn(authorityId);
        return operation switch
        {
            PkiOperation.Read => sameOrganization || held != PkiCapabilities.None,
            PkiOperation.Issue or PkiOperation.ManageToken => held.HasFlag(PkiCapabilities.CreateCertificate),
            PkiOperation.Revoke or PkiOperation.Publish => held.HasFlag(PkiCapabilities.RevokeCertificate),
            PkiOperation.ExportPrivateKey => held.HasFlag(PkiCapabilities.ExportPrivateKey),
            _ => false,
        };
    }

    /// <summary>True when the caller can see an object owned by <paramref name="organization"/> under CA <paramref name="authorityId"/>.</summary>
    public bool CanSee(string? authorityId, string? organization) => IsAllowed(Caller, PkiOperation.Read, authorityId, organization);

    /// <summary>
    /// Checks the owner organization a caller asks for a certificate or a token under <paramref name="authority"/>: none
    /// (the CA's is used), the CA's own, or the caller's own; only a superuser may name another. Otherwise a caller could
    /// plant records in, or leak them into, another organization's view.
    /// </summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.Forbidden"/> for any other organization.</exception>
    public void DemandOwner(string? owner, AuthorityRecord authority)
    {
        ArgumentNullException.ThrowIfNull(authority);
        var caller = Caller;
        if (owner is null || caller.IsSuperuser
            || string.Equals(owner, authority.Organization, StringComparison.Ordinal)
            || string.Equals(owner, caller.Organization, StringComparison.Ordinal))
        {
            return;
        }

        throw new PkiException(PkiErrorCode.Forbidden, $"'{caller.Subject}' may not file certificates or tokens under another organization.");
    }

    /// <summary>
    /// How a listing of certificates or tokens is narrowed to what the caller may see, inside the store's query so that
    /// a page (Limit, After) is a page of visible records: a superuser lists everything (no organization), a caller of an
    /// organization that organization's records, a caller of none only those of the CA the query names, when it holds a
    /// capability there. False when the caller may see nothing the query asks for.
    /// </summary>
    public bool TryScopeListing(string? authorityId, out string? organization)
    {
        var caller = Caller;
        organization = caller.IsSuperuser ? null : caller.Organization;
        return caller.IsSuperuser || caller.Organization is not null
            || (authorityId is not null && caller.CapabilitiesOn(authorityId) != PkiCapabilities.None);
    }

    /// <exception cref="PkiException"><see cref="PkiErrorCode.Forbidden"/> when not allowed.</exception>
    public void Demand(PkiOperation operation, string? authorityId, string? organization, string? objectId = null)
    {
        if (!IsAllowed(Caller, operation, authorityId, organization))
        {
            // The audit event of the denial names the CA (and object) the caller could see but not act on, so that the
            // CA's administrators see attempts on it too (Audit.AuditWriter reads these).
            var denied = new PkiException(PkiErrorCode.Forbidden, $"'{Caller.Subject}' may not perform {operation} here.");
            denied.Data[DeniedAuthorityKey] = authorityId;
            denied.Data[DeniedObjectKey] = objectId;
            throw denied;
        }
    }

    /// <summary>The key under which a denial carries the CA it concerned, in <see cref="Exception.Data"/>.</summary>
    internal const string DeniedAuthorityKey = "Pki.DeniedAuthorityId";

    /// <summary>The key under which a denial carries the object it concerned, in <see cref="Exception.Data"/>.</summary>
    internal const string DeniedObjectKey = "Pki.DeniedObjectId";
}
