using System.Formats.Asn1;
using Pki.Core.Asn1;

namespace Pki.Core.Issuance.Csr;

/// <summary>The key families a CSR may carry, as reported in <see cref="CsrPublicKey.Family"/>.</summary>
internal static class CsrKeyFamilies
{
    public const string Rsa = "RSA";
    public const string Ecdsa = "ECDSA";
    public const string Ed25519 = "Ed25519";
    public const string MlDsa = "ML-DSA";
}

/// <summary>A public key that passed the key policy, with the raw key bits for the verifier.</summary>
/// <param name="PublicKey">What is reported to the caller.</param>
/// <param name="KeyBits">The subjectPublicKey BIT STRING content (a slice of the SPKI).</param>
internal readonly record struct CheckedPublicKey(CsrPublicKey PublicKey, ReadOnlyMemory<byte> KeyBits);

/// <summary>
/// Reads a SubjectPublicKeyInfo (RFC 5280, section 4.1.2.7) and applies <see cref="KeyPolicyOptions"/>.
/// </summary>
/// <remarks>
/// Accepted: rsaEncryption with NULL parameters (RFC 3279, section 2.3.1), id-ecPublicKey with a namedCurve of
/// P-256, P-384 or P-521 and an uncompressed point (RFC 5480), id-Ed25519 without parameters (RFC 8410),
/// id-ml-dsa-44/65/87 without parameters and with a public key of the parameter set's size (RFC 9881, section 4;
/// when <see cref="KeyPolicyOptions.AllowMlDsa"/>; the reported size is 44, 65 or 87).
/// Anything else (DSA, explicit or implicit curves, RSASSA-PSS-only keys) is
/// <see cref="PkiErrorCode.UnsupportedAlgorithm"/>. Whether an EC or Ed25519 point lies on its curve is not
/// checked here but when the verifier imports the key (still <see cref="PkiErrorCode.WeakKey"/>).
/// RSA public exponents must be odd, at least 3 and at most 64 bits (OpenSSL's limit for verification).
/// </remarks>
internal static class PublicKeyPolicy
{
    private const int MaximumRsaExponentBytes = 8;

    /// <exception cref="PkiException">
    /// <see cref="PkiErrorCode.UnsupportedAlgorithm"/> for an algorithm, curve or size the policy does not allow;
    /// <see cref="PkiErrorCode.WeakKey"/> for a key that is too small or malformed;
    /// <see cref="PkiErrorCode.InvalidCsr"/> for a malformed structure.
    /// </exception>
    /// <exception cref="AsnContentException">When the SubjectPublicKeyInfo is not DER.</exception>
    public static CheckedPublicKey Check(ReadOnlyMemory<byte> subjectPublicKeyInfo, KeyPolicyOptions policy)
    {
        var outer = new AsnReader(subjectPublicKeyInfo, AsnEncodingRules.DER);
        AsnReader spki = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        AsnReader algorithm = spki.ReadSequence();
        if (!spki.TryReadPrimitiveBitString(out int unusedBits, out ReadOnlyMemory<byte> key) || unusedBits != 0)
        {
            throw new PkiException(PkiErrorCode.InvalidCsr, "The subjectPublicKey BIT STRING must be primitive with no unused bits.");
        }

        spki.ThrowIfNotEmpty();
        string oid = algorithm.ReadObjectIdentifier();
        ReadOnlyMemory<byte>? parameters = algorithm.HasData ? algorithm.ReadEncodedValue() : (ReadOnlyMemory<byte>?)null;
        algorithm.ThrowIfNotEmpty();

        (string family, int size) = oid switch
        {
            Oids.RsaEncryption => (CsrKeyFamilies.Rsa, CheckRsa(parameters, key, policy)),
            Oids.EcPublicKey => (CsrKeyFamilies.Ecdsa, CheckEc(parameters, key, policy)),
            Oids.Ed25519 => (CsrKeyFamilies.Ed25519, CheckEd25519(parameters, key, policy)),
            _ when Keys.MlDsaParameterSets.FromOid(oid) is KeyAlgorithm mlDsa => (CsrKeyFamilies.MlDsa, CheckMlDsa(mlDsa, parameters, key, policy)),
            _ => throw Unsupported($"The public key algorithm {oid} is not supported."),
        };

        return new CheckedPublicKey(new CsrPublicKey(family, size, subjectPublicKeyInfo), key);
    }

    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 3279, section 2.3.1)
    private static int CheckRsa(ReadOnlyMemory<byte>? parameters, ReadOnlyMemory<byte> key, KeyPolicyOptions policy)
    {
        if (!IsNull(parameters))
        {
            throw Unsupported("rsaEncryption keys must have NULL parameters (RFC 3279, section 2.3.1).");
        }

        var outer = new AsnReader(key, AsnEncodingRules.DER);
        AsnReader rsaKey = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        ReadOnlySpan<byte> modulus = rsaKey.ReadIntegerBytes().Span;
        ReadOnlySpan<byte> exponent = rsaKey.ReadIntegerBytes().Span;
        rsaKey.ThrowIfNotEmpty();

        if ((modulus[0] & 0x80) != 0 || (exponent[0] & 0x80) != 0)
        {
            throw Weak("The RSA modulus and exponent must be positive.");
        }

        int bits = BitLength(modulus);
        if (bits < policy.MinimumRsaKeySize)
        {
            throw Weak($"The RSA key has {bits} bits; at least {policy.MinimumRsaKeySize} are required.");
        }

        if (bits > policy.MaximumRsaKeySize)
        {
            throw Unsupported($"The RSA key has {bits} bits; at most {policy.MaximumRsaKeySize} are accepted.");
        }

        if ((modulus[^1] & 1) == 0)
        {
            throw Weak("The RSA modulus is even.");
        }

        exponent = exponent.TrimStart((byte)0);
        if (exponent.IsEmpty || (exponent[^1] & 1) == 0 || exponent.Length == 1 && exponent[0] < 3)
        {
            throw Weak("The RSA public exponent must be odd and at least 3.");
        }

        if (exponent.Length > MaximumRsaExponentBytes)
        {
            throw Unsupported("RSA public exponents longer than 64 bits are not supported.");
        }

        return bits;
    }

    private static int CheckEc(ReadOnlyMemory<byte>? parameters, ReadOnlyMemory<byte> key, KeyPolicyOptions policy)
    {
        if (parameters is not { } encoded || encoded.Span[0] != (byte)UniversalTagNumber.ObjectIdentifier)
        {
            throw Unsupported("EC keys must name their curve (explicit and implicit curves are not accepted, RFC 5480 section 2.1.1).");
        }

        string curve = new AsnReader(encoded, AsnEncodingRules.DER).ReadObjectIdentifier();
        (int bits, bool allowed) = curve switch
        {
            Oids.Secp256r1 => (256, policy.AllowP256),
            Oids.Secp384r1 => (384, policy.AllowP384),
            Oids.Secp521r1 => (521, policy.AllowP521),
            _ => (0, false),
        };

        if (!allowed)
        {
            throw Unsupported($"The EC curve {curve} is not allowed.");
        }

        int coordinateBytes = (bits + 7) / 8;
        ReadOnlySpan<byte> point = key.Span;
        if (point.Length != 1 + 2 * coordinateBytes || point[0] != 0x04)
        {
            throw Weak("The EC public key must be an uncompressed point of the curve's size (RFC 5480, section 2.2).");
        }

        return bits;
    }

    private static int CheckEd25519(ReadOnlyMemory<byte>? parameters, ReadOnlyMemory<byte> key, KeyPolicyOptions policy)
    {
        if (!policy.AllowEd25519)
        {
            throw Unsupported("Ed25519 keys are not allowed.");
        }

        if (parameters is not null)
        {
            throw Unsupported("id-Ed25519 must not have parameters (RFC 8410, section 3).");
        }

        if (key.Length != 32)
        {
            throw Weak("An Ed25519 public key must be 32 bytes long (RFC 8410, section 4).");
        }

        return 256;
    }

    private static int CheckMlDsa(KeyAlgorithm algorithm, ReadOnlyMemory<byte>? parameters, ReadOnlyMemory<byte> key, KeyPolicyOptions policy)
    {
        if (!policy.AllowMlDsa)
        {
            throw Unsupported("ML-DSA keys are not allowed.");
        }

        if (parameters is not null)
        {
            throw Unsupported("id-ml-dsa-* must not have parameters (RFC 9881, section 2).");
        }

        int size = Keys.MlDsaParameterSets.PublicKeySize(algorithm);
        if (key.Length != size)
        {
            throw Weak($"An {algorithm} public key must be {size} bytes long (FIPS 204, RFC 9881 section 4).");
        }

        return Keys.KeyAlgorithmFacts.Size(algorithm);
    }

    internal static bool IsNull(ReadOnlyMemory<byte>? parameters) =>
        parameters is { } p && p.Span.SequenceEqual((ReadOnlySpan<byte>)[0x05, 0x00]);

    private static int BitLength(ReadOnlySpan<byte> positive)
    {
        positive = positive.TrimStart((byte)0);
        return positive.IsEmpty ? 0 : (positive.Length - 1) * 8 + (32 - System.Numerics.BitOperations.LeadingZeroCount(positive[0]));
    }

    private static PkiException Unsupported(string message) => new(PkiErrorCode.UnsupportedAlgorithm, message);

    private static PkiException Weak(string message) => new(PkiErrorCode.WeakKey, message);
}
