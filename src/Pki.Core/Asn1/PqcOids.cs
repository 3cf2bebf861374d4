namespace Pki.Core.Asn1;

/// <summary>Object identifiers for ML-DSA (RFC 9881) and the X.509 alternative-key extensions (ITU-T X.509 (10/2019) section 9.8).</summary>
internal static class PqcOids
{
    /// <summary>id-ml-dsa-44 (RFC 9881, section 2; NIST CSOR sigAlgs 17).</summary>
    public const string MlDsa44 = "2.16.840.1.101.3.4.3.17";

    /// <summary>id-ml-dsa-65 (RFC 9881, section 2; NIST CSOR sigAlgs 18).</summary>
    public const string MlDsa65 = "2.16.840.1.101.3.4.3.18";

    /// <summary>id-ml-dsa-87 (RFC 9881, section 2; NIST CSOR sigAlgs 19).</summary>
    public const string MlDsa87 = "2.16.840.1.101.3.4.3.19";

    /// <summary>id-ce-subjectAltPublicKeyInfo (X.509 section 9.8.2).</summary>
    public const string SubjectAltPublicKeyInfo = "2.5.29.72";

    /// <summary>id-ce-altSignatureAlgorithm (X.509 section 9.8.3).</summary>
    public const string AltSignatureAlgorithm = "2.5.29.73";

    /// <summary>id-ce-altSignatureValue (X.509 section 9.8.4).</summary>
    public const string AltSignatureValue = "2.5.29.74";
}
