namespace Pki.Core;

/// <summary>
/// For store implementations: the one rule for values no store can hold exactly, so that every provider refuses or
/// ignores them alike instead of failing inside its driver (PostgreSQL <c>text</c> refuses U+0000; UTF-8 encoding
/// refuses or silently replaces an unpaired surrogate).
/// </summary>
/// <remarks>
/// <para>Writes: a value a store would keep (a record field, a CRL's CA id) that contains U+0000 or an unpaired
/// surrogate, or an enum member that is not defined, is refused with <see cref="PkiException"/>
/// <see cref="PkiErrorCode.InvalidRequest"/> naming the member, before anything is written.</para>
/// <para>Reads: such a value cannot be stored, so a lookup or an equality filter with one matches nothing (null, an
/// empty page, not found). A keyset cursor (<c>After</c>) with one is refused, since it names no position stores agree on.</para>
/// </remarks>
public static class StoreInputRules
{
    /// <summary>True when every store can hold <paramref name="value"/> exactly: null, or text without U+0000 and without
    /// an unpaired surrogate.</summary>
    public static bool IsStorable(string? value)
    {
        if (value is null)
        {
            return true;
        }

        ReadOnlySpan<char> text = value;
        if (text.Contains('\0'))
        {
            return false;
        }

        int i = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0)
        {
            return true;
        }

        for (; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]))
            {
                if (i + 1 == text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws unless <paramref name="value"/> <see cref="IsStorable">is storable</see>.</summary>
    /// <param name="value">The text.</param>
    /// <param name="member">What it is, as the message names it (for example <c>CertificateQuery.After</c>).</param>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> when the text contains U+0000 or an unpaired surrogate.</exception>
    public static void ThrowIfNotStorable(string? value, string member)
    {
        if (!IsStorable(value))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, $"{member} contains U+0000 or an unpaired surrogate, which no store can hold.");
        }
    }

    /// <summary>Throws unless every text member of <paramref name="record"/> is storable and its enum members are defined.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/>; the message names the member.</exception>
    /// <remarks>Call <see cref="CertificateRecordRules.ThrowIfIncomplete"/> first: this check assumes the required members are set.</remarks>
    public static void ThrowIfNotStorable(CertificateRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        const string Of = "The certificate record's ";
        Text(record.Id, Of + nameof(record.Id));
        Text(record.CertificatePem, Of + nameof(record.CertificatePem));
        Text(record.CertificateAuthority.Id, Of + "CertificateAuthority.Id");
        Text(record.CertificateAuthority.Name, Of + "CertificateAuthority.Name");
        Name(record.Subject, Of + nameof(record.Subject));
        Texts(record.SubjectAlternativeNames.DnsNames, Of + "SubjectAlternativeNames.DnsNames");
        Texts(record.SubjectAlternativeNames.EmailAddresses, Of + "SubjectAlternativeNames.EmailAddresses");
        foreach (var uri in record.SubjectAlternativeNames.Uris)
        {
            Text(uri?.OriginalString, Of + "SubjectAlternativeNames.Uris");
        }

        Text(record.Csr, Of + nameof(record.Csr));
        Text(record.FingerprintSha256, Of + nameof(record.FingerprintSha256));
        Text(record.SubjectKeyIdentifier, Of + nameof(record.SubjectKeyIdentifier));
        Text(record.SignatureAlgorithm, Of + nameof(record.SignatureAlgorithm));
        Text(record.Profile, Of + nameof(record.Profile));
        Text(record.PublicKeyAlgorithm, Of + nameof(record.PublicKeyAlgorithm));
        Text(record.OwnerOrganization, Of + nameof(record.OwnerOrganization));
        Text(record.RevocationComment, Of + nameof(record.RevocationComment));
        Text(record.TokenId, Of + nameof(record.TokenId));
        Text(record.Name, Of + nameof(record.Name));
        Text(record.PrivateKeyId, Of + nameof(record.PrivateKeyId));
        Defined(record.Type, Of + nameof(record.Type));
        Defined(record.Status, Of + nameof(record.Status));
        Defined(record.RevocationReason, Of + nameof(record.RevocationReason));
    }

    /// <summary>Throws unless every text member of <paramref name="authority"/> is storable and its enum members are defined.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="authority"/> is null.</exception>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/>; the message names the member.</exception>
    public static void ThrowIfNotStorable(AuthorityRecord authority)
    {
        ArgumentNullException.ThrowIfNull(authority);
        const string Of = "The CA record's ";
        Text(authority.Id, Of + nameof(authority.Id));
        Text(authority.Name, Of + nameof(authority.Name));
        Text(authority.Organization, Of + nameof(authority.Organization));
        Text(authority.ParentId, Of + nameof(authority.ParentId));
        Name(authority.Subject, Of + nameof(authority.Subject));
        Text(authority.CertificatePem, Of + nameof(authority.CertificatePem));
        Text(authority.KeyId, Of + nameof(authority.KeyId));
        Text(authority.AlternativeKeyId, Of + nameof(authority.AlternativeKeyId));
        Text(authority.SubjectKeyIdentifier, Of + nameof(authority.SubjectKeyIdentifier));
        Text(authority.FingerprintSha256, Of + nameof(authority.FingerprintSha256));
        if (authority.NameConstraints is { } constraints)
        {
            const string Nc = Of + nameof(authority.NameConstraints) + ".";
            Texts(constraints.PermittedDnsDomains, Nc + nameof(constraints.PermittedDnsDomains));
            Texts(constraints.ExcludedDnsDomains, Nc + nameof(constraints.ExcludedDnsDomains));
            Texts(constraints.PermittedIpRanges, Nc + nameof(constraints.PermittedIpRanges));
            Texts(constraints.ExcludedIpRanges, Nc + nameof(constraints.ExcludedIpRanges));
            Texts(constraints.PermittedEmailDomains, Nc + nameof(constraints.PermittedEmailDomains));
            Texts(constraints.ExcludedEmailDomains, Nc + nameof(constraints.ExcludedEmailDomains));
        }

        Text(authority.CrlDistributionPoint?.OriginalString, Of + nameof(authority.CrlDistributionPoint));
        Text(authority.OcspResponder?.OriginalString, Of + nameof(authority.OcspResponder));
        Text(authority.CaIssuers?.OriginalString, Of + nameof(authority.CaIssuers));
        Defined(authority.KeyAlgorithm, Of + nameof(authority.KeyAlgorithm));
        Defined(authority.AlternativeKeyAlgorithm, Of + nameof(authority.AlternativeKeyAlgorithm));
        Defined(authority.Status, Of + nameof(authority.Status));
    }

    /// <summary>Throws unless every text member of <paramref name="token"/> is storable and its state is defined.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="token"/> is null.</exception>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/>; the message names the member.</exception>
    public static void ThrowIfNotStorable(RequestTokenRecord token)
    {
        ArgumentNullException.ThrowIfNull(token);
        const string Of = "The request token's ";
        Text(token.Id, Of + nameof(token.Id));
        Text(token.Name, Of + nameof(token.Name));
        Text(token.Authority?.Id, Of + "Authority.Id");
        Text(token.Authority?.Name, Of + "Authority.Name");
        Text(token.CommonName, Of + nameof(token.CommonName));
        Text(token.Organization, Of + nameof(token.Organization));
        Text(token.OrganizationalUnit, Of + nameof(token.OrganizationalUnit));
        Text(token.Profile, Of + nameof(token.Profile));
        Text(token.OwnerOrganization, Of + nameof(token.OwnerOrganization));
        Text(token.CertificateId, Of + nameof(token.CertificateId));
        Defined(token.State, Of + nameof(token.State));
    }

    /// <summary>Throws unless every text member of <paramref name="auditEvent"/> is storable and its enum members are defined.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="auditEvent"/> is null.</exception>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/>; the message names the member.</exception>
    public static void ThrowIfNotStorable(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        const string Of = "The audit event's ";
        Text(auditEvent.Actor, Of + nameof(auditEvent.Actor));
        Text(auditEvent.ActorOrganization, Of + nameof(auditEvent.ActorOrganization));
        Text(auditEvent.Action, Of + nameof(auditEvent.Action));
        Text(auditEvent.ObjectType, Of + nameof(auditEvent.ObjectType));
        Text(auditEvent.ObjectId, Of + nameof(auditEvent.ObjectId));
        Text(auditEvent.AuthorityId, Of + nameof(auditEvent.AuthorityId));
        Text(auditEvent.CorrelationId, Of + nameof(auditEvent.CorrelationId));
        Text(auditEvent.PreviousHash, Of + nameof(auditEvent.PreviousHash));
        Text(auditEvent.Hash, Of + nameof(auditEvent.Hash));
        Defined(auditEvent.Outcome, Of + nameof(auditEvent.Outcome));
        Defined(auditEvent.ErrorCode, Of + nameof(auditEvent.ErrorCode));
    }

    /// <summary>Throws unless the text members of <paramref name="change"/> are storable and its enum members are defined.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="change"/> is null.</exception>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/>; the message names the member.</exception>
    public static void ThrowIfNotStorable(CertificateStatusChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        const string Of = "The status change's ";
        Text(change.CertificateId, Of + nameof(change.CertificateId));
        Text(change.Comment, Of + nameof(change.Comment));
        Defined(change.ExpectedStatus, Of + nameof(change.ExpectedStatus));
        Defined(change.NewStatus, Of + nameof(change.NewStatus));
        Defined(change.Reason, Of + nameof(change.Reason));
    }

    /// <summary>Throws unless the CA id of <paramref name="crl"/> is storable.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="crl"/> is null.</exception>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/>; the message names the member.</exception>
    public static void ThrowIfNotStorable(CertificateRevocationList crl)
    {
        ArgumentNullException.ThrowIfNull(crl);
        Text(crl.AuthorityId, "The CRL's " + nameof(crl.AuthorityId));
    }

    /// <summary>Throws unless every text member of <paramref name="responder"/> is storable.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="responder"/> is null.</exception>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/>; the message names the member.</exception>
    public static void ThrowIfNotStorable(OcspResponderRecord responder)
    {
        ArgumentNullException.ThrowIfNull(responder);
        const string Of = "The OCSP responder's ";
        Text(responder.AuthorityId, Of + nameof(responder.AuthorityId));
        Text(responder.CertificateId, Of + nameof(responder.CertificateId));
        Text(responder.KeyId, Of + nameof(responder.KeyId));
        Text(responder.CertificatePem, Of + nameof(responder.CertificatePem));
    }

    /// <summary>Throws unless the id of <paramref name="key"/> is storable and its algorithm is defined.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/>; the message names the member.</exception>
    public static void ThrowIfNotStorable(StoredPrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Text(key.Id, "The private key's " + nameof(key.Id));
        Defined(key.Algorithm, "The private key's " + nameof(key.Algorithm));
    }

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
        return IsStorable(query.AuthorityId) && IsStorable(query.Organization) && IsStorable(query.FingerprintSha256)
            && IsDefined(query.Status) && IsDefined(query.Type);
    }

    /// <summary>False when a filter of <paramref name="query"/> holds text that is not storable (see <see cref="CanMatch(CertificateQuery)"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> when <see cref="AuthorityQuery.After"/> is not storable.</exception>
    public static bool CanMatch(AuthorityQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        ThrowIfNotStorable(query.After, "AuthorityQuery.After");
        return IsStorable(query.Organization) && IsStorable(query.ParentId);
    }

    /// <summary>False when a filter of <paramref name="query"/> holds a value no stored token can have (see <see cref="CanMatch(CertificateQuery)"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> when <see cref="RequestTokenQuery.After"/> is not storable.</exception>
    public static bool CanMatch(RequestTokenQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        ThrowIfNotStorable(query.After, "RequestTokenQuery.After");
        return IsStorable(query.AuthorityId) && IsStorable(query.OwnerOrganization) && IsDefined(query.State);
    }

    /// <summary>False when a filter of <paramref name="query"/> holds text that is not storable.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    public static bool CanMatch(AuditQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return IsStorable(query.Actor) && IsStorable(query.ObjectId) && IsStorable(query.Action);
    }

    /// <summary>False when <paramref name="query"/> names a CA id that is not storable or an undefined status.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    public static bool CanMatch(RevocationEntryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return IsStorable(query.AuthorityId) && IsDefined(query.Status);
    }

    /// <summary>Throws when the cursor of <paramref name="query"/> is not storable.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> when <see cref="PrivateKeyQuery.After"/> is not storable.</exception>
    public static void ThrowIfNotStorable(PrivateKeyQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        ThrowIfNotStorable(query.After, "PrivateKeyQuery.After");
    }

    private static void Text(string? value, string member) => ThrowIfNotStorable(value, member);

    private static void Texts(IReadOnlyList<string>? values, string member)
    {
        if (values is null)
        {
            return;
        }

        foreach (string value in values)
        {
            Text(value, member);
        }
    }

    private static void Name(DistinguishedName? name, string member)
    {
        if (name is null)
        {
            return;
        }

        foreach (var component in name.Components)
        {
            Text(component.Oid, member);
            Text(component.Value, member);
        }
    }

    private static bool IsDefined<T>(T? value)
        where T : struct, Enum => value is not { } v || Enum.IsDefined(v);

    private static void Defined<T>(T value, string member)
        where T : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, $"{member} is not a defined {typeof(T).Name} value.");
        }
    }

    private static void Defined<T>(T? value, string member)
        where T : struct, Enum
    {
        if (value is { } v)
        {
            Defined(v, member);
        }
    }
}
