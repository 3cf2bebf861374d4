namespace Pki.Core;

/// <summary>A certificate authority held by the library: its certificate, where its key is, and what it publishes.</summary>
public sealed record AuthorityRecord
{
    /// <summary>The CA id (32 lower-case hex characters).</summary>
    public required string Id { get; init; }

    /// <summary>The CA name, unique within its organization.</summary>
    public required string Name { get; init; }

    /// <summary>The organization that owns the CA, or null.</summary>
    public string? Organization { get; init; }

    /// <summary>The id of the parent CA held by the library, or null for a root or an imported CA whose issuer is not held.</summary>
    public string? ParentId { get; init; }

    /// <summary>True when the certificate is self-signed.</summary>
    public required bool IsRoot { get; init; }

    /// <summary>The CA certificate's subject.</summary>
    public required DistinguishedName Subject { get; init; }

    /// <summary>The CA certificate in PEM.</summary>
    public required string CertificatePem { get; init; }

    /// <summary>The key algorithm of the CA key.</summary>
    public required KeyAlgorithm KeyAlgorithm { get; init; }

    /// <summary>The reference of the signing key (see <see cref="ISigningKeyProvider"/>).</summary>
    public required string KeyId { get; init; }

    /// <summary>The algorithm of the CA's alternative key (ML-DSA) for hybrid certificates (ITU-T X.509 section 9.8), or null.</summary>
    public KeyAlgorithm? AlternativeKeyAlgorithm { get; init; }

    /// <summary>The reference of the alternative key (see <see cref="ISigningKeyProvider"/>), or null when the CA has none.</summary>
    public string? AlternativeKeyId { get; init; }

    /// <summary>The CA certificate's serial number.</summary>
    public required SerialNumber SerialNumber { get; init; }

    /// <summary>The CA certificate's notBefore.</summary>
    public required DateTimeOffset NotBefore { get; init; }

    /// <summary>The CA certificate's notAfter.</summary>
    public required DateTimeOffset NotAfter { get; init; }

    /// <summary>The subject key identifier, lower-case hex.</summary>
    public required string SubjectKeyIdentifier { get; init; }

    /// <summary>The SHA-256 fingerprint of the CA certificate, lower-case hex.</summary>
    public required string FingerprintSha256 { get; init; }

    /// <summary>The pathLenConstraint of the CA certificate, or null when unlimited.</summary>
    public int? PathLengthConstraint { get; init; }

    /// <summary>The name constraints in the CA certificate, enforced on everything the CA (and any CA below it) issues; null when none or not read (imported CAs).</summary>
    public NameConstraints? NameConstraints { get; init; }

    /// <summary>Whether the CA may issue.</summary>
    public AuthorityStatus Status { get; init; } = AuthorityStatus.Active;

    /// <summary>The CRL distribution point URL put into certificates this CA issues, or null.</summary>
    public Uri? CrlDistributionPoint { get; init; }

    /// <summary>
    /// The delta CRL URL put into the freshestCRL extension of certificates this CA issues and of its full CRLs
    /// (RFC 5280 sections 4.2.1.15 and 5.2.6), or null.
    /// </summary>
    public Uri? DeltaCrlDistributionPoint { get; init; }

    /// <summary>The OCSP responder URL put into the AIA extension of certificates this CA issues, or null.</summary>
    public Uri? OcspResponder { get; init; }

    /// <summary>The caIssuers URL put into the AIA extension of certificates this CA issues, or null.</summary>
    public Uri? CaIssuers { get; init; }

    /// <summary>When the CA was created or imported.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The id and name, as shown on certificates this CA issued.</summary>
    public AuthoritySummary ToSummary() => new(Id, Name);
}
