using System.Security.Cryptography.X509Certificates;

namespace Pki.Core;

/// <summary>
/// What a certificate looks like: type, key usage, extended key usages, allowed SAN types, validity default and cap,
/// backdate. Built-in profiles are <see cref="CertificateProfiles.Server"/>, <see cref="CertificateProfiles.Client"/>,
/// <see cref="CertificateProfiles.Dual"/>, <see cref="CertificateProfiles.CertificateAuthority"/> and
/// <see cref="CertificateProfiles.OcspSigning"/>; add or replace
/// profiles in <see cref="PkiOptions.Profiles"/>.
/// </summary>
public sealed class CertificateProfile
{
    /// <summary>The certificate type; it decides the SAN defaults (server and dual: CN to DNS SAN; client: email CN to email SAN).</summary>
    public CertificateType Type { get; set; } = CertificateType.Server;

    /// <summary>The keyUsage bits (marked critical).</summary>
    public X509KeyUsageFlags KeyUsage { get; set; } = X509KeyUsageFlags.DigitalSignature;

    /// <summary>Add keyEncipherment for RSA subject keys (TLS 1.2 RSA key exchange). Never added for EC or Ed25519 keys.</summary>
    public bool KeyEnciphermentForRsa { get; set; }

    /// <summary>Extended key usage OIDs (e.g. <c>1.3.6.1.5.5.7.3.1</c> serverAuth). Empty means no EKU extension.</summary>
    public IList<string> ExtendedKeyUsages { get; } = [];

    /// <summary>Which SAN kinds a certificate of this profile may carry; others are a policy violation.</summary>
    public SubjectAlternativeNameTypes AllowedSubjectAlternativeNames { get; set; } = SubjectAlternativeNameTypes.All;

    /// <summary>The validity used when a request gives none, in days.</summary>
    public int DefaultValidityDays { get; set; } = 365;

    /// <summary>The longest validity a request may ask for, in days.</summary>
    public int MaximumValidityDays { get; set; } = 825;

    /// <summary>How far notBefore is set before the issuance time, against clock skew. Default 1 minute.</summary>
    public TimeSpan Backdate { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>For <see cref="CertificateType.CertificateAuthority"/> profiles: the pathLenConstraint. Default 0.</summary>
    public int PathLengthConstraint { get; set; }

    /// <summary>Add the id-pkix-ocsp-nocheck extension (RFC 6960 section 4.2.2.2.1), for delegated OCSP responders. Default false.</summary>
    public bool OcspNoCheck { get; set; }

    /// <summary>
    /// True when its certificates can answer OCSP for the CA (id-kp-OCSPSigning, or ocsp-nocheck): issuing one takes the
    /// same permission as revoking (<see cref="PkiOperation.Publish"/>).
    /// </summary>
    internal bool MakesOcspResponders => OcspNoCheck || ExtendedKeyUsages.Contains(OcspSigning);

    /// <summary>The key algorithms this profile (template) accepts; empty accepts every algorithm. An enrollment pattern that
    /// sets its own <see cref="EnrollmentPolicy.AllowedKeyAlgorithms"/> replaces this list.</summary>
    public ISet<KeyAlgorithm> AllowedKeyAlgorithms { get; } = new HashSet<KeyAlgorithm>();

    internal static Dictionary<string, CertificateProfile> BuiltIn() => new(StringComparer.Ordinal)
    {
        [CertificateProfiles.Server] = new CertificateProfile
        {
            Type = CertificateType.Server,
            KeyEnciphermentForRsa = true,
            AllowedSubjectAlternativeNames = SubjectAlternativeNameTypes.Dns | SubjectAlternativeNameTypes.IpAddress | SubjectAlternativeNameTypes.Uri,
            ExtendedKeyUsages = { ServerAuth },
        },
        [CertificateProfiles.Client] = new CertificateProfile
        {
            Type = CertificateType.Client,
            AllowedSubjectAlternativeNames = SubjectAlternativeNameTypes.Email | SubjectAlternativeNameTypes.Uri,
            ExtendedKeyUsages = { ClientAuth },
        },
        [CertificateProfiles.Dual] = new CertificateProfile
        {
            Type = CertificateType.Dual,
            KeyEnciphermentForRsa = true,
            AllowedSubjectAlternativeNames = SubjectAlternativeNameTypes.All,
            ExtendedKeyUsages = { ServerAuth, ClientAuth },
        },
        [CertificateProfiles.CertificateAuthority] = new CertificateProfile
        {
            Type = CertificateType.CertificateAuthority,
            KeyUsage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature,
            AllowedSubjectAlternativeNames = SubjectAlternativeNameTypes.None,
            DefaultValidityDays = 1825,
            MaximumValidityDays = 3650,
        },
        [CertificateProfiles.OcspSigning] = new CertificateProfile
        {
            Type = CertificateType.Client,
            AllowedSubjectAlternativeNames = SubjectAlternativeNameTypes.None,
            ExtendedKeyUsages = { OcspSigning },
            OcspNoCheck = true,
            DefaultValidityDays = 30,
            MaximumValidityDays = 365,
        },
    };

    internal const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    internal const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    internal const string OcspSigning = "1.3.6.1.5.5.7.3.9";
}
