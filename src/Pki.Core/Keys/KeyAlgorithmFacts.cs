using System.Security.Cryptography;

namespace Pki.Core.Keys;

/// <summary>What Pki.Core knows about each <see cref="KeyAlgorithm"/>.</summary>
internal static class KeyAlgorithmFacts
{
    public static bool IsDefined(KeyAlgorithm algorithm) => Enum.IsDefined(algorithm);

    public static bool IsRsa(KeyAlgorithm algorithm) => algorithm is KeyAlgorithm.Rsa2048 or KeyAlgorithm.Rsa3072 or KeyAlgorithm.Rsa4096;

    public static bool IsEcdsa(KeyAlgorithm algorithm) => algorithm is KeyAlgorithm.EcdsaP256 or KeyAlgorithm.EcdsaP384 or KeyAlgorithm.EcdsaP521;

    public static bool IsMlDsa(KeyAlgorithm algorithm) => algorithm is KeyAlgorithm.MlDsa44 or KeyAlgorithm.MlDsa65 or KeyAlgorithm.MlDsa87;

    public static string Family(KeyAlgorithm algorithm) =>
        IsRsa(algorithm) ? "RSA" : IsEcdsa(algorithm) ? "ECDSA" : IsMlDsa(algorithm) ? "ML-DSA" : "Ed25519";

    public static int Size(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcdsaP256 => 256,
        KeyAlgorithm.EcdsaP384 => 384,
        KeyAlgorithm.EcdsaP521 => 521,
        KeyAlgorithm.Rsa2048 => 2048,
        KeyAlgorithm.Rsa3072 => 3072,
        KeyAlgorithm.Rsa4096 => 4096,
        KeyAlgorithm.Ed25519 => 256,
        KeyAlgorithm.MlDsa44 => 44,
        KeyAlgorithm.MlDsa65 => 65,
        KeyAlgorithm.MlDsa87 => 87,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown key algorithm."),
    };

    public static ECCurve Curve(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcdsaP256 => ECCurve.NamedCurves.nistP256,
        KeyAlgorithm.EcdsaP384 => ECCurve.NamedCurves.nistP384,
        KeyAlgorithm.EcdsaP521 => ECCurve.NamedCurves.nistP521,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Not an ECDSA algorithm."),
    };

    /// <summary>Maps a family and size back to a <see cref="KeyAlgorithm"/>, or null when there is none.</summary>
    public static KeyAlgorithm? From(string family, int size) => (family, size) switch
    {
        ("ECDSA", 256) => KeyAlgorithm.EcdsaP256,
        ("ECDSA", 384) => KeyAlgorithm.EcdsaP384,
        ("ECDSA", 521) => KeyAlgorithm.EcdsaP521,
        ("RSA", 2048) => KeyAlgorithm.Rsa2048,
        ("RSA", 3072) => KeyAlgorithm.Rsa3072,
        ("RSA", 4096) => KeyAlgorithm.Rsa4096,
        ("Ed25519", _) => KeyAlgorithm.Ed25519,
        ("ML-DSA", 44) => KeyAlgorithm.MlDsa44,
        ("ML-DSA", 65) => KeyAlgorithm.MlDsa65,
        ("ML-DSA", 87) => KeyAlgorithm.MlDsa87,
        _ => null,
    };
}
