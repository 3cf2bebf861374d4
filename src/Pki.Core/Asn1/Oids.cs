namespace Pki.Core.Asn1;

/// <summary>
/// Object identifiers used by Pki.Core's ASN.1 code, in dotted form. A plain list of constants: add new ones in the
/// section they belong to, with the RFC that defines them.
/// </summary>
internal static class Oids
{
    // Public key algorithms (RFC 3279, RFC 5480, RFC 8410).

    /// <summary>rsaEncryption (RFC 3279, section 2.3.1).</summary>
    public const string RsaEncryption = "1.2.840.113549.1.1.1";

    /// <summary>id-ecPublicKey (RFC 5480, section 2.1.1).</summary>
    public const string EcPublicKey = "1.2.840.10045.2.1";

    /// <summary>id-Ed25519 (RFC 8410, section 3); also the Ed25519 signature algorithm.</summary>
    public const string Ed25519 = "1.3.101.112";

    // Named curves (RFC 5480, section 2.1.1.1).

    /// <summary>secp256r1 / P-256.</summary>
    public const string Secp256r1 = "1.2.840.10045.3.1.7";

    /// <summary>secp384r1 / P-384.</summary>
    public const string Secp384r1 = "1.3.132.0.34";

    /// <summary>secp521r1 / P-521.</summary>
    public const string Secp521r1 = "1.3.132.0.35";

    // Signature algorithms (RFC 4055, RFC 5758).

    /// <summary>sha256WithRSAEncryption (RFC 4055, section 5).</summary>
    public const string Sha256WithRsaEncryption = "1.2.840.113549.1.1.11";

    /// <summary>sha384WithRSAEncryption (RFC 4055, section 5).</summary>
    public const string Sha384WithRsaEncryption = "1.2.840.113549.1.1.12";

    /// <summary>sha512WithRSAEncryption (RFC 4055, section 5).</summary>
    public const string Sha512WithRsaEncryption = "1.2.840.113549.1.1.13";

    /// <summary>id-RSASSA-PSS (RFC 4055, section 3.1).</summary>
    public const string RsassaPss = "1.2.840.113549.1.1.10";

    /// <summary>id-mgf1 (RFC 4055, section 2.2).</summary>
    public const string Mgf1 = "1.2.840.113549.1.1.8";

    /// <summary>ecdsa-with-SHA256 (RFC 5758, section 3.2).</summary>
    public const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";

    /// <summary>ecdsa-with-SHA384 (RFC 5758, section 3.2).</summary>
    public const string EcdsaWithSha384 = "1.2.840.10045.4.3.3";

    /// <summary>ecdsa-with-SHA512 (RFC 5758, section 3.2).</summary>
    public const string EcdsaWithSha512 = "1.2.840.10045.4.3.4";

    // Hash algorithms (RFC 5754).

    /// <summary>id-sha256.</summary>
    public const string Sha256 = "2.16.840.1.101.3.4.2.1";

    /// <summary>id-sha384.</summary>
    public const string Sha384 = "2.16.840.1.101.3.4.2.2";

    /// <summary>id-sha512.</summary>
    public const string Sha512 = "2.16.840.1.101.3.4.2.3";

    // PKCS#9 attributes (RFC 2985).

    /// <summary>extensionRequest (RFC 2985, section 5.4.2).</summary>
    public const string ExtensionRequest = "1.2.840.113549.1.9.14";

    /// <summary>challengePassword (RFC 2985, section 5.4.1).</summary>
    public const string ChallengePassword = "1.2.840.113549.1.9.7";

    // Certificate extensions (RFC 5280, section 4.2).

    /// <summary>id-ce-subjectAltName (RFC 5280, section 4.2.1.6).</summary>
    public const string SubjectAltName = "2.5.29.17";

    /// <summary>id-ce-basicConstraints (RFC 5280, section 4.2.1.9).</summary>
    public const string BasicConstraints = "2.5.29.19";
}
