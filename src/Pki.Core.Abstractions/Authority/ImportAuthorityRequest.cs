namespace Pki.Core;

/// <summary>
/// Imports an existing CA: its certificate and private key, either as PEM (certificate + PKCS#8, SEC1 or PKCS#1 key)
/// or as a PKCS#12 file. The library checks that the key matches the certificate and that the certificate is a CA.
/// </summary>
public sealed record ImportAuthorityRequest
{
    /// <summary>The CA name, unique within <see cref="Organization"/>.</summary>
    public required string Name { get; init; }

    /// <summary>The organization that owns the CA, or null.</summary>
    public string? Organization { get; init; }

    /// <summary>The CA certificate in PEM (when importing from PEM).</summary>
    public string? CertificatePem { get; init; }

    /// <summary>The private key in PEM (when importing from PEM); an encrypted PKCS#8 key needs <see cref="Password"/>.</summary>
    public string? PrivateKeyPem { get; init; }

    /// <summary>A PKCS#12 file holding the certificate and its key (when importing from PKCS#12).</summary>
    public ReadOnlyMemory<byte> Pkcs12 { get; init; }

    /// <summary>The password of the PKCS#12 file or of an encrypted PKCS#8 key.</summary>
    public string? Password { get; init; }

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

    /// <summary>Never shows the key or password.</summary>
    public override string ToString() => $"ImportAuthorityRequest {{ Name = {Name}, Organization = {Organization} }}";
}
