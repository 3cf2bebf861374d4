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
/// <para>Length: every store indexes some text (ids, CA ids, names, organizations, fingerprints, audit actors, actions
/// and object ids), and PostgreSQL refuses an index entry over about 2,700 bytes. So the text of one index entry is at
/// most <see cref="MaximumIndexedLength"/> (512) characters — at most 1,536 bytes in UTF-8, well below that limit: each
/// indexed member alone, and the two members one index combines together (a record's id with its CA id or owner
/// organization, a CA's id with its organization or parent id, a CA's organization with its name). A longer value is
/// refused on writes with <see cref="PkiErrorCode.InvalidRequest"/> naming the member(s), before anything is written;
/// a lookup or filter with one finds nothing. The core never comes near the bound: its ids are 32 characters, names and
/// organizations at most 200, caller subjects (audit actors) at most 512.</para>
/// <para>Reads: a value that cannot be stored matches nothing in a lookup or an equality filter (null, an empty page,
/// not found). A keyset cursor (<c>After</c>) with one is refused, since it names no position stores agree on.</para>
/// </remarks>
public static class StoreInputRules
{
    /// <summary>
    /// The most characters of text one index entry holds: an indexed member alone, or the two members one index
    /// combines together (see the remarks of <see cref="StoreInputRules"/>). 512 characters are at most 1,536 bytes in
    /// UTF-8, so every store can index them (PostgreSQL refuses a B-tree entry over about 2,700 bytes).
    /// </summary>
    public const int MaximumIndexedLength = 512;

    /// <summary>The length of a <see cref="StoredRequestToken.SecretHash"/> and of a non-empty
    /// <see cref="StoredPrivateKey.SubjectPublicKeySha256"/>: a SHA-256 hash, 32 bytes.</summary>
    public const int HashLength = 32;

    /// <summary>True when every store can hold <paramref name="value"/> exactly and index it: <see cref="IsStorable">storable</see>
    /// and at most <see cref="MaximumIndexedLength"/> characters (null is indexable).</summary>
    public static bool IsIndexable(string? value) => value is null || (value.Length <= MaximumIndexedLength && IsStorable(value));

    /// <summary>Throws unless <paramref name="value"/> <see cref="IsIndexable">is indexable</see>: for text a store keeps
    /// as (part of) a key, such as the CA id of <see cref="IRevocationStore.NextCrlNumberAsync"/>.</summary>
    /// <param name="value">The text.</param>
    /// <param name="member">What it is, as the message names it.</param>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> when the text contains U+0000 or an
    /// unpaired surrogate, or is longer than <see cref="MaximumIndexedLength"/> characters.</exception>
    public static void ThrowIfNotIndexable(string? value, string member)
    {
        ThrowIfNotStorable(value, member);
        if (value is not null && value.Length > MaximumIndexedLength)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest,
                $"{member} is {value.Length} characters long; stores index it, and an index entry holds at most {MaximumIndexedLength} characters.");
        }
    }

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
        Key(record.Id, Of + nameof(record.Id));
        Text(record.CertificatePem, Of + nameof(record.CertificatePem));
        Key(record.CertificateAuthority.Id, Of + "CertificateAuthority.Id");
        Text(record.CertificateAuthority.Name, Of + "CertificateAuthority.Name");
        Name(record.Subject, Of + nameof(record.Subject));
        Texts(record.SubjectAlternativeNames.DnsNames, Of + "SubjectAlternativeNames.DnsNames");
        Texts(record.SubjectAlternativeNames.EmailAddresses, Of + "SubjectAlternativeNames.EmailAddresses");
        foreach (var uri in record.SubjectAlternativeNames.Uris)
        {
            Text(uri?.OriginalString, Of + "SubjectAlternativeNames.Uris");
        }

        Text(record.Csr, Of + nameof(record.Csr));
        Key(record.FingerprintSha256, Of + nameof(record.FingerprintSha256));
        Text(record.SubjectKeyIdentifier, Of + nameof(record.SubjectKeyIdentifier));
        Text(record.SignatureAlgorithm, Of + nameof(record.SignatureAlgorithm));
        Text(record.Profile, Of + nameof(record.Profile));
        Text(record.PublicKeyAlgorithm, Of + nameof(record.PublicKeyAlgorithm));
        Key(record.OwnerOrganization, Of + nameof(record.OwnerOrganization));
        Text(record.RevocationComment, Of + nameof(record.RevocationComment));
        Text(record.TokenId, Of + nameof(record.TokenId));
        Text(record.Name, Of + nameof(record.Name));
        Key(record.PrivateKeyId, Of + nameof(record.PrivateKeyId));
        Keys(record.CertificateAuthority.Id, record.Id, Of + "CertificateAuthority.Id and " + nameof(record.Id));
        Keys(record.OwnerOrganization, record.Id, Of + nameof(record.OwnerOrganization) + " and " + nameof(record.Id));
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
        Key(authority.Id, Of + nameof(authority.Id));
        Key(authority.Name, Of + nameof(authority.Name));
        Key(authority.Organization, Of + nameof(authority.Organization));
        Key(authority.ParentId, Of + nameof(authority.ParentId));
        Keys(authority.Organization, authority.Name, Of + nameof(authority.Organization) + " and " + nameof(authority.Name));
        Keys(authority.Organization, authority.Id, Of + nameof(authority.Organization) + " and " + nameof(authority.Id));
        Keys(authority.ParentId, authority.Id, Of + nameof(authority.ParentId) + " and " + nameof(authority.Id));
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

    /// <summary>Throws unless <see cref="ThrowIfNotStorable(RequestTokenRecord)">the record is storable</see> and the
    /// secret hash is <see cref="HashLength"/> (32) bytes long.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="token"/> is null.</exception>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/>; the message names the member.</exception>
    public static void ThrowIfNotStorable(StoredRequestToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        ThrowIfNotStorable(token.Token);
        if (token.SecretHash.Length != HashLength)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest,
                $"The request token's {nameof(token.SecretHash)} is {token.SecretHash.Length} bytes long; it must be a SHA-256 hash ({HashLength} bytes).");
        }
    }

    /// <summary>
    /// Throws unless every text member of <paramref name="token"/> is storable, its state is one stores persist
    /// (<see cref="RequestTokenState.Unused"/>, <see cref="RequestTokenState.Used"/> or <see cref="RequestTokenState.Deleted"/>;
    /// <see cref="RequestTokenState.Expired"/> is computed, never stored), and a used token names its certificate and
    /// when it was redeemed.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="token"/> is null.</exception>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/>; the message names the member.</exception>
    public static void ThrowIfNotStorable(RequestTokenRecord token)
    {
        ArgumentNullException.ThrowIfNull(token);
        const string Of = "The request token's ";
        Key(token.Id, Of + nameof(token.Id));
        Text(token.Name, Of + nameof(token.Name));
        Key(token.Authority?.Id, Of + "Authority.Id");
        Text(token.Authority?.Name, Of + "Authority.Name");
        Text(token.CommonName, Of + nameof(token.CommonName));
        Text(token.Organization, Of + nameof(token.Organization));
        Text(token.OrganizationalUnit, Of + nameof(token.OrganizationalUnit));
        Text(token.Profile, Of + nameof(token.Profile));
        Key(token.OwnerOrganization, Of + nameof(token.OwnerOrganization));
        Key(token.CertificateId, Of + nameof(token.CertificateId));
        Keys(token.Authority?.Id, token.Id, Of + "Authority.Id and " + nameof(token.Id));
        Keys(token.OwnerOrganization, token.Id, Of + nameof(token.OwnerOrganization) + " and " + nameof(token.Id));
        Defined(token.State, Of + nameof(token.State));
        if (token.State == RequestTokenState.Expired)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest,
                $"{Of}{nameof(token.State)} is {nameof(RequestTokenState.Expired)}, which is computed from ExpiresAt and never stored; store it {nameof(RequestTokenState.Unused)}.");
        }

        if (token.State == RequestTokenState.Used && (token.CertificateId is null || token.RedeemedAt is null))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest,
                $"{Of}{nameof(token.State)} is {nameof(RequestTokenState.Used)}, so its {nameof(token.CertificateId)} and {nameof(token.RedeemedAt)} are required.");
        }
    }

    /// <summary>Throws unless every text member of <paramref name="auditEvent"/> is storable and its enum members are defined.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="auditEvent"/> is null.</exception>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/>; the message names the member.</exception>
    public static void ThrowIfNotStorable(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        const string Of = "The audit event's ";
        Key(auditEvent.Actor, Of + nameof(auditEvent.Actor));
        Text(auditEvent.ActorOrganization, Of + nameof(auditEvent.ActorOrganization));
        Key(auditEvent.Action, Of + nameof(auditEvent.Action));
        Text(auditEvent.ObjectType, Of + nameof(auditEvent.ObjectType));
        Key(auditEvent.ObjectId, Of + nameof(auditEvent.ObjectId));
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
        Key(crl.AuthorityId, "The CRL's " + nameof(crl.AuthorityId));
    }

    /// <summary>Throws unless every text member of <paramref name="responder"/> is storable.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="responder"/> is null.</exception>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/>; the message names the member.</exception>
    public static void ThrowIfNotStorable(OcspResponderRecord responder)
    {
        ArgumentNullException.ThrowIfNull(responder);
        const string Of = "The OCSP responder's ";
        Key(responder.AuthorityId, Of + nameof(responder.AuthorityId));
        Text(responder.CertificateId, Of + nameof(responder.CertificateId));
        Text(responder.KeyId, Of + nameof(responder.KeyId));
        Text(responder.CertificatePem, Of + nameof(responder.CertificatePem));
    }

    /// <summary>Throws unless the id of <paramref name="key"/> is indexable, its algorithm is defined and its
    /// <see cref="StoredPrivateKey.SubjectPublicKeySha256"/> is empty or a SHA-256 hash (<see cref="HashLength"/> bytes).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/>; the message names the member.</exception>
    public static void ThrowIfNotStorable(StoredPrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Key(key.Id, "The private key's " + nameof(key.Id));
        Defined(key.Algorithm, "The private key's " + nameof(key.Algorithm));
        if (key.SubjectPublicKeySha256.Length is not (0 or HashLength))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest,
                $"The private key's {nameof(key.SubjectPublicKeySha256)} is {key.SubjectPublicKeySha256.Length} bytes long; it must be empty or a SHA-256 hash ({HashLength} bytes).");
        }
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

    private static void Text(string? value, string member) => ThrowIfNotStorable(value, member);

    private static void Key(string? value, string member) => ThrowIfNotIndexable(value, member);

    /// <summary>Two members one index combines: together at most <see cref="MaximumIndexedLength"/> characters.</summary>
    private static void Keys(string? first, string? second, string members)
    {
        int length = (first?.Length ?? 0) + (second?.Length ?? 0);
        if (length > MaximumIndexedLength)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest,
                $"{members} are {length} characters long together; stores index them in one entry, which holds at most {MaximumIndexedLength} characters.");
        }
    }

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
