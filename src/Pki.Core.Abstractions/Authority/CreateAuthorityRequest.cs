namespace Pki.Core;

/// <summary>What every new CA needs; see <see cref="CreateRootAuthorityRequest"/> and <see cref="CreateIntermediateAuthorityRequest"/>.</summary>
public abstract record CreateAuthorityRequest
{
    /// <summary>The CA name, unique within <see cref="Organization"/>.</summary>
    public required string Name { get; init; }

    /// <summary>The organization that owns the CA, or null.</summary>
    public string? Organization { get; init; }

    /// <summary>The CA certificate's subject.</summary>
    public required DistinguishedName Subject { get; init; }

    /// <summary>The key algorithm of the new CA key. Default ECDSA P-256.</summary>
    public KeyAlgorithm KeyAlgorithm { get; init; } = KeyAlgorithm.EcdsaP256;

    /// <summary>
    /// An ML-DSA algorithm for a second, alternative CA key, or null (the default) for none. The CA certificate then
    /// carries subjectAltPublicKeyInfo, and every certificate the CA issues carries altSignatureAlgorithm and
    /// altSignatureValue made with that key (hybrid certificates, ITU-T X.509 (10/2019) section 9.8). The extensions are
    /// non-critical, so classical verifiers accept the certificates on their classical signature.
    /// <see cref="KeyAlgorithm"/> must then be a classical algorithm.
    /// </summary>
    public KeyAlgorithm? AlternativeKeyAlgorithm { get; init; }

    /// <summary>How long the CA certificate is valid, in days. Default 10 years for roots, 5 for intermediates.</summary>
    public int? ValidityDays { get; init; }

    /// <summary>The pathLenConstraint (RFC 5280, section 4.2.1.9); null means unlimited for roots and 0 for intermediates.</summary>
    public int? PathLengthConstraint { get; init; }

    /// <summary>Optional name constraints, marked critical (RFC 5280, section 4.2.1.10).</summary>
    public NameConstraints? NameConstraints { get; init; }

    /// <summary>The CRL distribution point URL for certificates this CA issues.</summary>
    public Uri? CrlDistributionPoint { get; init; }

    /// <summary>
    /// The URL where the CA's delta CRLs are published, or null (the default) for none. Every certificate the CA issues
    /// and every full CRL it signs then carries a non-critical freshestCRL extension with this URL (RFC 5280 sections
    /// 4.2.1.15 and 5.2.6; never a delta CRL), which is how relying parties find the delta CRLs: OpenSSL, for one,
    /// consults a delta CRL only when the certificate or its base CRL has it. Needs <see cref="CrlDistributionPoint"/>
    /// (a delta CRL is read together with its base) and must differ from it.
    /// </summary>
    public Uri? DeltaCrlDistributionPoint { get; init; }

    /// <summary>The OCSP responder URL for certificates this CA issues.</summary>
    public Uri? OcspResponder { get; init; }

    /// <summary>The caIssuers URL for certificates this CA issues.</summary>
    public Uri? CaIssuers { get; init; }
}
