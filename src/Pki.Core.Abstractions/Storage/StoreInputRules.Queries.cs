namespace Pki.Core;

// StoreInputRules, continued: the rules per query a store answers.
public static partial class StoreInputRules
{
    /// <summary>
    /// False when a filter of <paramref name="query"/> holds a value no stored certificate can have (text that is not
    /// storable, an undefined enum member): the store returns an empty page without asking its database.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> when <see cref="CertificateQuery.After"/> is not storable.</exception>
    public static bool CanMatch(CertificateQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        ThrowIfNotStorable(query.After, "CertificateQuery.After");
        return IsIndexable(query.AuthorityId) && IsIndexable(query.Organization) && IsIndexable(query.FingerprintSha256)
            && IsDefined(query.Status) && IsDefined(query.Type);
    }

    /// <summary>False when a filter of <paramref name="query"/> holds text that is not storable (see <see cref="CanMatch(CertificateQuery)"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> when <see cref="AuthorityQuery.After"/> is not storable.</exception>
    public static bool CanMatch(AuthorityQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        ThrowIfNotStorable(query.After, "AuthorityQuery.After");
        return IsIndexable(query.Organization) && IsIndexable(query.ParentId);
    }

    /// <summary>False when a filter of <paramref name="query"/> holds a value no stored token can have (see <see cref="CanMatch(CertificateQuery)"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> when <see cref="RequestTokenQuery.After"/> is not storable.</exception>
    public static bool CanMatch(RequestTokenQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        ThrowIfNotStorable(query.After, "RequestTokenQuery.After");
        return IsIndexable(query.AuthorityId) && IsIndexable(query.OwnerOrganization) && IsDefined(query.State);
    }

    /// <summary>False when a filter of <paramref name="query"/> holds text that is not storable.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    public static bool CanMatch(AuditQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return IsIndexable(query.Actor) && IsIndexable(query.ObjectId) && IsIndexable(query.Action);
    }

    /// <summary>False when <paramref name="query"/> names a CA id that is not storable or an undefined status.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    public static bool CanMatch(RevocationEntryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return IsIndexable(query.AuthorityId) && IsDefined(query.Status);
    }

    /// <summary>Throws when the cursor of <paramref name="query"/> is not storable.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> when <see cref="PrivateKeyQuery.After"/> is not storable.</exception>
    public static void ThrowIfNotStorable(PrivateKeyQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        ThrowIfNotStorable(query.After, "PrivateKeyQuery.After");
    }
}
