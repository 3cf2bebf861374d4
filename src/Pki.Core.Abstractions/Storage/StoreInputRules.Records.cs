namespace Pki.Core;

// StoreInputRules, continued: the rules per record a store writes.
public static partial class StoreInputRules
{
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
        Text(authority.DeltaCrlDistributionPoint?.OriginalString, Of + nameof(authority.DeltaCrlDistributionPoint));
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
    /// <see cref="StoredPrivateKey.EscrowIndex"/> is empty or a SHA-256 hash (<see cref="HashLength"/> bytes).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/>; the message names the member.</exception>
    public static void ThrowIfNotStorable(StoredPrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Key(key.Id, "The private key's " + nameof(key.Id));
        Defined(key.Algorithm, "The private key's " + nameof(key.Algorithm));
        if (key.EscrowIndex.Length is not (0 or HashLength))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest,
                $"The private key's {nameof(key.EscrowIndex)} is {key.EscrowIndex.Length} bytes long; it must be empty or a SHA-256 hash ({HashLength} bytes).");
        }
    }
}
