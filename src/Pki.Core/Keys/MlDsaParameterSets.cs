using Org.BouncyCastle.Crypto.Parameters;
using Pki.Core.Asn1;

namespace Pki.Core.Keys;

/// <summary>The three ML-DSA parameter sets of FIPS 204 with their RFC 9881 identifiers and sizes.</summary>
internal static class MlDsaParameterSets
{
    /// <summary>The object identifier used both as public key algorithm and as signature algorithm (RFC 9881, sections 2 and 4).</summary>
    public static string Oid(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.MlDsa44 => PqcOids.MlDsa44,
        KeyAlgorithm.MlDsa65 => PqcOids.MlDsa65,
        KeyAlgorithm.MlDsa87 => PqcOids.MlDsa87,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Not an ML-DSA algorithm."),
    };

    /// <summary>The parameter set named by <paramref name="oid"/>, or null.</summary>
    public static KeyAlgorithm? FromOid(string oid) => oid switch
    {
        PqcOids.MlDsa44 => KeyAlgorithm.MlDsa44,
        PqcOids.MlDsa65 => KeyAlgorithm.MlDsa65,
        PqcOids.MlDsa87 => KeyAlgorithm.MlDsa87,
        _ => null,
    };

    /// <summary>The encoded public key size in bytes (FIPS 204, table 2): 1312, 1952, 2592.</summary>
    public static int PublicKeySize(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.MlDsa44 => 1312,
        KeyAlgorithm.MlDsa65 => 1952,
        _ => 2592,
    };

    /// <summary>The signature size in bytes (FIPS 204, table 2): 2420, 3309, 4627.</summary>
    public static int SignatureSize(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.MlDsa44 => 2420,
        KeyAlgorithm.MlDsa65 => 3309,
        _ => 4627,
    };

    /// <summary>The BouncyCastle parameter set (pure ML-DSA, never HashML-DSA: RFC 9881, section 3).</summary>
    public static MLDsaParameters BouncyCastle(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.MlDsa44 => MLDsaParameters.ml_dsa_44,
        KeyAlgorithm.MlDsa65 => MLDsaParameters.ml_dsa_65,
        KeyAlgorithm.MlDsa87 => MLDsaParameters.ml_dsa_87,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Not an ML-DSA algorithm."),
    };
}
