namespace Pki.Core;

/// <summary>
/// An issued certificate as the library remembers it. Carries every field of the client-certificate model users
/// expect (id, certificate, certificate_authority, common_name, country, state, location, organization,
/// organizational_unit, csr, issued_on, expires_on, validity_days, serial_number, fingerprint_sha256, ski,
/// signature, status) plus type, profile, SANs, owner and revocation details.
/// </summary>
public sealed record CertificateRecord
{
    /// <summary>The certificate id (32 lower-case hex characters).</summary>
    public required string Id { get; init; }

    /// <summary>The certificate in PEM.</summary>
    public required string CertificatePem { get; init; }

    /// <summary>The issuing CA.</summary>
    public required AuthoritySummary CertificateAuthority { get; init; }

    /// <summary>The full subject.</summary>
    public required DistinguishedName Subject { get; init; }

    /// <summary>The subject's common name.</summary>
    public string? CommonName => Subject.CommonName;

    /// <summary>The subject's country (C).</summary>
    public string? Country => Subject.Country;

    /// <summary>The subject's state or province (ST).</summary>
    public string? State => Subject.State;

    /// <summary>The subject's locality (L).</summary>
    public string? Location => Subject.Locality;

    /// <summary>The subject's organization (O).</summary>
    public string? Organization => Subject.Organization;

    /// <summary>The subject's organizational unit (OU).</summary>
    public string? OrganizationalUnit => Subject.OrganizationalUnit;

    /// <summary>The subject alternative names in the certificate.</summary>
    public required SubjectAlternativeNames SubjectAlternativeNames { get; init; }

    /// <summary>The CSR the certificate was signed from (PEM), or null when the library generated the key.</summary>
    public string? Csr { get; init; }

    /// <summary>notBefore.</summary>
    public required DateTimeOffset IssuedOn { get; init; }

    /// <summary>notAfter.</summary>
    public required DateTimeOffset ExpiresOn { get; init; }

    /// <summary>The number of whole days the certificate is valid after it was issued (the requested days; <see cref="IssuedOn"/> is backdated by the profile's backdate, and a clipped validity counts only the days that remain).</summary>
    public required int ValidityDays { get; init; }

    /// <summary>The serial number.</summary>
    public required SerialNumber SerialNumber { get; init; }

    /// <summary>The serial number in lower-case hex.</summary>
    public string SerialNumberHex => SerialNumber.ToString();

    /// <summary>SHA-256 of the DER certificate, lower-case hex.</summary>
    public required string FingerprintSha256 { get; init; }

    /// <summary>The subject key identifier, lower-case hex.</summary>
    public required string SubjectKeyIdentifier { get; init; }

    /// <summary>The signature algorithm name, such as <c>SHA256WithECDSA</c> or <c>SHA256WithRSA</c>.</summary>
    public required string SignatureAlgorithm { get; init; }

    /// <summary>The certificate type of the profile.</summary>
    public required CertificateType Type { get; init; }

    /// <summary>The profile name.</summary>
    public required string Profile { get; init; }

    /// <summary>The family of the certificate's public key: <c>RSA</c>, <c>ECDSA</c> or <c>Ed25519</c>.</summary>
    public required string PublicKeyAlgorithm { get; init; }

    /// <summary>The size of the certificate's public key in bits (RSA modulus, EC field size, 256 for Ed25519).</summary>
    public required int PublicKeySize { get; init; }

    /// <summary>The organization that owns the record, or null.</summary>
    public string? OwnerOrganization { get; init; }

    /// <summary>The revocation status.</summary>
    public CertificateStatus Status { get; init; } = CertificateStatus.Active;

    /// <summary>When the certificate was revoked or put on hold, or null.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>The revocation reason, or null when the certificate is active.</summary>
    public RevocationReason? RevocationReason { get; init; }

    /// <summary>The invalidity date given at revocation (RFC 5280 section 5.3.2), or null.</summary>
    public DateTimeOffset? InvalidityDate { get; init; }

    /// <summary>The comment given at revocation, or null. Never published.</summary>
    public string? RevocationComment { get; init; }

    /// <summary>When the status last changed (the clock of the host that changed it), or null when it never did.</summary>
    public DateTimeOffset? StatusChangedAt { get; init; }

    /// <summary>The request token the certificate was redeemed from, or null.</summary>
    public string? TokenId { get; init; }

    /// <summary>The certificate's name: the name of the request token it was redeemed from, or null.</summary>
    public string? Name { get; init; }

    /// <summary>The id of the library-generated private key kept for later export, or null.</summary>
    public string? PrivateKeyId { get; init; }

    /// <summary>A one-line summary for logs: never the PEM or the CSR.</summary>
    public override string ToString() =>
        $"CertificateRecord {{ Id = {Id}, CA = {CertificateAuthority?.Id}, Serial = {SerialNumberHex}, Subject = {Subject}, Profile = {Profile}, Status = {Status}, ExpiresOn = {ExpiresOn:u} }}";
}
