namespace Pki.Core;

/// <summary>
/// A validated request for a key: key type, key length or curve, resolved to one <see cref="KeyAlgorithm"/>. Parsed from
/// the inputs of a CSR-generation or enrollment request with <see cref="Parse"/>, or made from an algorithm with
/// <see cref="For"/>.
/// </summary>
/// <remarks>
/// Key types: <c>RSA</c> (a length of 2048, 3072 or 4096 is required); <c>ECC</c> (also <c>EC</c>, <c>ECDSA</c>) with
/// the curve given by OID (<c>1.2.840.10045.3.1.7</c>, <c>1.3.132.0.34</c>, <c>1.3.132.0.35</c>), by name (<c>P-256</c>,
/// <c>secp256r1</c>, <c>prime256v1</c>, <c>nistP256</c> …) or derived from the length 256, 384 or 521;
/// <c>Ed25519</c>; <c>ML-DSA-44</c>, <c>ML-DSA-65</c>, <c>ML-DSA-87</c> (or <c>ML-DSA</c> with the length 44, 65 or 87).
/// Names compare case-insensitively. Whether the library can generate a key of the algorithm is not checked here.
/// </remarks>
public sealed record KeySpecification
{
    private const int MaximumEcho = 64;

    private static readonly (KeyAlgorithm Algorithm, string Oid, string[] Names)[] Curves =
    [
        (KeyAlgorithm.EcdsaP256, "1.2.840.10045.3.1.7", ["P-256", "P256", "secp256r1", "prime256v1", "nistP256", "NIST P-256"]),
        (KeyAlgorithm.EcdsaP384, "1.3.132.0.34", ["P-384", "P384", "secp384r1", "nistP384", "NIST P-384"]),
        (KeyAlgorithm.EcdsaP521, "1.3.132.0.35", ["P-521", "P521", "secp521r1", "nistP521", "NIST P-521"]),
    ];

    private KeySpecification(KeyAlgorithm algorithm) => Algorithm = algorithm;

    /// <summary>The resolved algorithm.</summary>
    public KeyAlgorithm Algorithm { get; }

    /// <summary>The key type: <c>RSA</c>, <c>ECC</c>, <c>Ed25519</c> or <c>ML-DSA</c>.</summary>
    public string KeyType => Algorithm switch
    {
        KeyAlgorithm.Rsa2048 or KeyAlgorithm.Rsa3072 or KeyAlgorithm.Rsa4096 => "RSA",
        KeyAlgorithm.EcdsaP256 or KeyAlgorithm.EcdsaP384 or KeyAlgorithm.EcdsaP521 => "ECC",
        KeyAlgorithm.Ed25519 => "Ed25519",
        _ => "ML-DSA",
    };

    /// <summary>The key length: RSA modulus bits, the curve's field size (256, 384, 521), 256 for Ed25519, or the ML-DSA parameter set (44, 65, 87).</summary>
    public int KeyLength => Algorithm switch
    {
        KeyAlgorithm.Rsa2048 => 2048,
        KeyAlgorithm.Rsa3072 => 3072,
        KeyAlgorithm.Rsa4096 => 4096,
        KeyAlgorithm.EcdsaP256 or KeyAlgorithm.Ed25519 => 256,
        KeyAlgorithm.EcdsaP384 => 384,
        KeyAlgorithm.EcdsaP521 => 521,
        KeyAlgorithm.MlDsa44 => 44,
        KeyAlgorithm.MlDsa65 => 65,
        _ => 87,
    };

    /// <summary>The curve OID for ECC keys (RFC 5480), otherwise null.</summary>
    public string? CurveOid => Array.Find(Curves, c => c.Algorithm == Algorithm).Oid;

    /// <summary>The specification of <paramref name="algorithm"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="algorithm"/> is not a defined value.</exception>
    public static KeySpecification For(KeyAlgorithm algorithm) =>
        Enum.IsDefined(algorithm) ? new KeySpecification(algorithm) : throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown key algorithm.");

    /// <summary>Parses the key type, key length and curve of a request (see the type remarks for the accepted values).</summary>
    /// <param name="keyType">The key type, such as <c>RSA</c>, <c>ECC</c>, <c>Ed25519</c> or <c>ML-DSA-65</c>.</param>
    /// <param name="keyLength">The key length in bits; required for RSA, optional for ECC when a curve is given.</param>
    /// <param name="curve">The curve by OID or name; for ECC only.</param>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> naming the offending value: an unknown key type
    /// or curve, RSA without a length or with an unsupported one, a length that matches no curve, a curve and a contradicting
    /// length, or a curve given for a type that has none.</exception>
    public static KeySpecification Parse(string? keyType, int? keyLength = null, string? curve = null)
    {
        if (string.IsNullOrWhiteSpace(keyType))
        {
            throw Invalid("A key type is required (RSA, ECC, Ed25519, ML-DSA-44, ML-DSA-65 or ML-DSA-87).");
        }

        string type = keyType.Trim();
        if (Is(type, "RSA"))
        {
            return ParseRsa(keyLength, curve);
        }

        if (Is(type, "ECC") || Is(type, "EC") || Is(type, "ECDSA"))
        {
            return ParseEcc(keyLength, curve);
        }

        if (Is(type, "Ed25519"))
        {
            NoCurve("Ed25519", curve, allowed: ["Ed25519", "1.3.101.112"]);
            return keyLength is null or 256
                ? new KeySpecification(KeyAlgorithm.Ed25519)
                : throw Invalid($"Ed25519 keys are 256 bits; the key length {keyLength} contradicts it.");
        }

        if (MlDsa(type) is { } parameterSet)
        {
            return ParseMlDsa(type, parameterSet, keyLength, curve);
        }

        throw Invalid($"The key type '{Show(type)}' is not supported; use RSA, ECC, Ed25519, ML-DSA-44, ML-DSA-65 or ML-DSA-87.");
    }

    /// <summary>The short display form, e.g. <c>RSA-2048</c>, <c>ECC P-256 (1.2.840.10045.3.1.7)</c>, <c>Ed25519</c>, <c>ML-DSA-65</c>.</summary>
    public override string ToString() => KeyType switch
    {
        "RSA" => $"RSA-{KeyLength}",
        "ECC" => $"ECC P-{KeyLength} ({CurveOid})",
        "ML-DSA" => $"ML-DSA-{KeyLength}",
        _ => KeyType,
    };

    private static KeySpecification ParseRsa(int? keyLength, string? curve)
    {
        NoCurve("RSA", curve, allowed: []);
        return keyLength switch
        {
            null => throw Invalid("RSA keys need a key length: 2048, 3072 or 4096."),
            2048 => new KeySpecification(KeyAlgorithm.Rsa2048),
            3072 => new KeySpecification(KeyAlgorithm.Rsa3072),
            4096 => new KeySpecification(KeyAlgorithm.Rsa4096),
            _ => throw Invalid($"The RSA key length {keyLength} is not supported; use 2048, 3072 or 4096."),
        };
    }

    private static KeySpecification ParseEcc(int? keyLength, string? curve)
    {
        if (string.IsNullOrWhiteSpace(curve))
        {
            return keyLength switch
            {
                null => throw Invalid("ECC keys need a curve (by OID or name) or a key length of 256, 384 or 521."),
                256 => new KeySpecification(KeyAlgorithm.EcdsaP256),
                384 => new KeySpecification(KeyAlgorithm.EcdsaP384),
                521 => new KeySpecification(KeyAlgorithm.EcdsaP521),
                _ => throw Invalid($"The key length {keyLength} matches no supported curve; use 256 (P-256), 384 (P-384) or 521 (P-521)."),
            };
        }

        string name = curve.Trim();
        foreach (var (algorithm, oid, names) in Curves)
        {
            if (string.Equals(name, oid, StringComparison.Ordinal) || Array.Exists(names, n => Is(name, n)))
            {
                var specification = new KeySpecification(algorithm);
                return keyLength is null || keyLength == specification.KeyLength
                    ? specification
                    : throw Invalid($"The curve '{Show(name)}' has {specification.KeyLength} bits; the key length {keyLength} contradicts it.");
            }
        }

        throw Invalid($"The curve '{Show(name)}' is not supported; use P-256 (1.2.840.10045.3.1.7), P-384 (1.3.132.0.34) or P-521 (1.3.132.0.35).");
    }

    private static KeySpecification ParseMlDsa(string type, int parameterSet, int? keyLength, string? curve)
    {
        NoCurve("ML-DSA", curve, allowed: []);
        int set = parameterSet != 0 ? parameterSet : keyLength ?? throw Invalid("ML-DSA keys need a parameter set: ML-DSA-44, ML-DSA-65 or ML-DSA-87.");
        if (parameterSet != 0 && keyLength is { } length && length != parameterSet)
        {
            throw Invalid($"The key type '{Show(type)}' contradicts the key length {length}.");
        }

        return set switch
        {
            44 => new KeySpecification(KeyAlgorithm.MlDsa44),
            65 => new KeySpecification(KeyAlgorithm.MlDsa65),
            87 => new KeySpecification(KeyAlgorithm.MlDsa87),
            _ => throw Invalid($"The ML-DSA parameter set {set} is not supported; use 44, 65 or 87."),
        };
    }

    /// <summary>0 for a bare <c>ML-DSA</c>, the parameter set for <c>ML-DSA-65</c> / <c>MLDSA65</c>, or null for another type.</summary>
    private static int? MlDsa(string type)
    {
        string compact = type.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        if (!compact.StartsWith("MLDSA", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string suffix = compact[5..];
        return suffix.Length == 0 ? 0 : suffix is "44" or "65" or "87" ? int.Parse(suffix, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private static void NoCurve(string type, string? curve, string[] allowed)
    {
        if (!string.IsNullOrWhiteSpace(curve) && !Array.Exists(allowed, a => Is(curve.Trim(), a)))
        {
            throw Invalid($"{type} keys take no curve, but '{Show(curve)}' was given.");
        }
    }

    private static bool Is(string value, string expected) => string.Equals(value, expected, StringComparison.OrdinalIgnoreCase);

    /// <summary>The value as it may appear in a message: at most 64 characters, control characters replaced.</summary>
    private static string Show(string value)
    {
        var shown = value.Length > MaximumEcho ? value[..MaximumEcho] + "…" : value;
        return string.Create(shown.Length, shown, static (span, s) =>
        {
            for (int i = 0; i < s.Length; i++)
            {
                span[i] = char.IsControl(s[i]) || char.IsSurrogate(s[i]) ? '?' : s[i];
            }
        });
    }

    private static PkiException Invalid(string message) => new(PkiErrorCode.InvalidRequest, message);
}
