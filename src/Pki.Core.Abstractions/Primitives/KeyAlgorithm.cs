namespace Pki.Core;

/// <summary>The key algorithms Pki.Core generates and signs with.</summary>
public enum KeyAlgorithm
{
    /// <summary>ECDSA on NIST P-256 (secp256r1), signing with SHA-256.</summary>
    EcdsaP256 = 1,

    /// <summary>ECDSA on NIST P-384 (secp384r1), signing with SHA-384.</summary>
    EcdsaP384 = 2,

    /// <summary>ECDSA on NIST P-521 (secp521r1), signing with SHA-512.</summary>
    EcdsaP521 = 3,

    /// <summary>RSA with a 2048-bit modulus, signing with SHA-256 and PKCS#1 v1.5 padding.</summary>
    Rsa2048 = 10,

    /// <summary>RSA with a 3072-bit modulus, signing with SHA-256 and PKCS#1 v1.5 padding.</summary>
    Rsa3072 = 11,

    /// <summary>RSA with a 4096-bit modulus, signing with SHA-256 and PKCS#1 v1.5 padding.</summary>
    Rsa4096 = 12,

    /// <summary>Ed25519 (RFC 8410).</summary>
    Ed25519 = 20,

    /// <summary>ML-DSA-44 (FIPS 204; in X.509 per RFC 9881).</summary>
    MlDsa44 = 30,

    /// <summary>ML-DSA-65 (FIPS 204; in X.509 per RFC 9881).</summary>
    MlDsa65 = 31,

    /// <summary>ML-DSA-87 (FIPS 204; in X.509 per RFC 9881).</summary>
    MlDsa87 = 32,
}
