namespace Pki.Core;

/// <summary>Which public keys and signature algorithms a CSR may use.</summary>
public sealed class KeyPolicyOptions
{
    /// <summary>The smallest RSA modulus accepted, in bits. Default 2048.</summary>
    public int MinimumRsaKeySize { get; set; } = 2048;

    /// <summary>The largest RSA modulus accepted, in bits (bounds the verification cost). Default 8192.</summary>
    public int MaximumRsaKeySize { get; set; } = 8192;

    /// <summary>Accept ECDSA P-256 keys. Default true.</summary>
    public bool AllowP256 { get; set; } = true;

    /// <summary>Accept ECDSA P-384 keys. Default true.</summary>
    public bool AllowP384 { get; set; } = true;

    /// <summary>Accept ECDSA P-521 keys. Default true.</summary>
    public bool AllowP521 { get; set; } = true;

    /// <summary>Accept Ed25519 keys. Default true.</summary>
    public bool AllowEd25519 { get; set; } = true;

    /// <summary>Accept RSASSA-PSS signatures on CSRs (salt length equal to the hash length). Default true.</summary>
    public bool AllowRsaPss { get; set; } = true;

    /// <summary>Accept ML-DSA-44, ML-DSA-65 and ML-DSA-87 keys and signatures on CSRs (RFC 9881). Default true.</summary>
    public bool AllowMlDsa { get; set; } = true;
}
