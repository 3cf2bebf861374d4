using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Pki.Core.Keys;

/// <summary>The signature algorithm a CA key of a given <see cref="KeyAlgorithm"/> signs with, pre-encoded once.</summary>
internal sealed class SignatureAlgorithm
{
    private static readonly SignatureAlgorithm EcdsaSha256 = new("1.2.840.10045.4.3.2", withNullParameters: false, HashAlgorithmName.SHA256, "SHA256WithECDSA");
    private static readonly SignatureAlgorithm EcdsaSha384 = new("1.2.840.10045.4.3.3", withNullParameters: false, HashAlgorithmName.SHA384, "SHA384WithECDSA");
    private static readonly SignatureAlgorithm EcdsaSha512 = new("1.2.840.10045.4.3.4", withNullParameters: false, HashAlgorithmName.SHA512, "SHA512WithECDSA");
    private static readonly SignatureAlgorithm RsaSha256 = new("1.2.840.113549.1.1.11", withNullParameters: true, HashAlgorithmName.SHA256, "SHA256WithRSA");
    private static readonly SignatureAlgorithm PureEd25519 = new("1.3.101.112", withNullParameters: false, default, "Ed25519");
    private static readonly SignatureAlgorithm MlDsa44 = new(Asn1.PqcOids.MlDsa44, withNullParameters: false, default, "ML-DSA-44");
    private static readonly SignatureAlgorithm MlDsa65 = new(Asn1.PqcOids.MlDsa65, withNullParameters: false, default, "ML-DSA-65");
    private static readonly SignatureAlgorithm MlDsa87 = new(Asn1.PqcOids.MlDsa87, withNullParameters: false, default, "ML-DSA-87");

    private SignatureAlgorithm(string oid, bool withNullParameters, HashAlgorithmName hash, string name)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            if (withNullParameters)
            {
                writer.WriteNull();
            }
        }

        AlgorithmIdentifier = writer.Encode();
        Hash = hash;
        Name = name;
    }

    /// <summary>The DER AlgorithmIdentifier (RFC 5280 section 4.1.1.2; RFC 5758; RFC 4055; RFC 8410; RFC 9881: parameters absent).</summary>
    public byte[] AlgorithmIdentifier { get; }

    /// <summary>The hash the signature uses (default for Ed25519 and ML-DSA).</summary>
    public HashAlgorithmName Hash { get; }

    /// <summary>The display name used in records, e.g. <c>SHA256WithECDSA</c>.</summary>
    public string Name { get; }

    public static SignatureAlgorithm For(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcdsaP256 => EcdsaSha256,
        KeyAlgorithm.EcdsaP384 => EcdsaSha384,
        KeyAlgorithm.EcdsaP521 => EcdsaSha512,
        KeyAlgorithm.Rsa2048 or KeyAlgorithm.Rsa3072 or KeyAlgorithm.Rsa4096 => RsaSha256,
        KeyAlgorithm.Ed25519 => PureEd25519,
        KeyAlgorithm.MlDsa44 => MlDsa44,
        KeyAlgorithm.MlDsa65 => MlDsa65,
        KeyAlgorithm.MlDsa87 => MlDsa87,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown key algorithm."),
    };
}
