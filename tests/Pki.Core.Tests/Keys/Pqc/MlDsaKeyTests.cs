using System.Formats.Asn1;
using Pki.Core.Keys;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Keys.Pqc;

/// <summary>ML-DSA keys (FIPS 204, RFC 9881): generation, SPKI, PKCS#8 round trip, signing.</summary>
public sealed class MlDsaKeyTests
{
    public static TheoryData<KeyAlgorithm, int> Levels => new()
    {
        { KeyAlgorithm.MlDsa44, 44 },
        { KeyAlgorithm.MlDsa65, 65 },
        { KeyAlgorithm.MlDsa87, 87 },
    };

    [Theory]
    [MemberData(nameof(Levels))]
    public void Generated_key_has_an_rfc9881_spki_and_signs_verifiably(KeyAlgorithm algorithm, int level)
    {
        using var key = SoftwareSigningKey.Generate(algorithm);
        var spki = new AsnReader(key.SubjectPublicKeyInfo, AsnEncodingRules.DER).ReadSequence();
        byte[] algorithmIdentifier = spki.ReadEncodedValue().ToArray();
        byte[] publicKey = spki.ReadBitString(out _);
        byte[] data = "to be signed"u8.ToArray();

        byte[] signature = key.Sign(data);

        Assert.Equal(PqcCertificates.MlDsaAlgorithmIdentifier(level), algorithmIdentifier);
        Assert.Equal(MlDsaParameterSets.PublicKeySize(algorithm), publicKey.Length);
        Assert.Equal(MlDsaParameterSets.SignatureSize(algorithm), signature.Length);
        Assert.True(MlDsaKey.Verify(algorithm, publicKey, data, signature));
        data[0] ^= 1;
        Assert.False(MlDsaKey.Verify(algorithm, publicKey, data, signature));
        Assert.Equal(PqcCertificates.MlDsaAlgorithmIdentifier(level), SignatureAlgorithm.For(algorithm).AlgorithmIdentifier);
        Assert.Equal($"ML-DSA-{level}", SignatureAlgorithm.For(algorithm).Name);
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void Pkcs8_round_trip_keeps_the_key(KeyAlgorithm algorithm, int level)
    {
        using var key = SoftwareSigningKey.Generate(algorithm);

        byte[] pkcs8 = key.ExportPkcs8();
        using var loaded = SoftwareSigningKey.FromPkcs8(pkcs8);

        Assert.Equal(algorithm, loaded.Algorithm);
        Assert.Equal(key.SubjectPublicKeyInfo.ToArray(), loaded.SubjectPublicKeyInfo.ToArray());
        var info = new AsnReader(pkcs8, AsnEncodingRules.DER).ReadSequence();
        info.ReadInteger();
        Assert.Equal(PqcCertificates.MlDsaAlgorithmIdentifier(level), info.ReadEncodedValue().ToArray());
        // RFC 9881, section 6: ML-DSA-PrivateKey; the seed form [0] OCTET STRING (SIZE (32)) when the seed is known.
        var privateKey = new AsnReader(info.ReadOctetString(), AsnEncodingRules.DER);
        Assert.Equal(32, privateKey.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 0)).Length);
        byte[] signature = loaded.Sign("x"u8);
        var publicKey = new AsnReader(key.SubjectPublicKeyInfo, AsnEncodingRules.DER).ReadSequence();
        publicKey.ReadEncodedValue();
        Assert.True(MlDsaKey.Verify(algorithm, publicKey.ReadBitString(out _), "x"u8, signature));
    }

    [Fact]
    public void Truncated_or_mismatched_ml_dsa_pkcs8_is_an_invalid_key()
    {
        using var key = SoftwareSigningKey.Generate(KeyAlgorithm.MlDsa65);
        byte[] pkcs8 = key.ExportPkcs8();

        var truncated = Assert.Throws<PkiException>(() => SoftwareSigningKey.FromPkcs8(pkcs8.AsSpan(0, pkcs8.Length - 3)));
        byte[] shortSeed = Rewrap(pkcs8, seedLength: 31);
        var wrongSeed = Assert.Throws<PkiException>(() => SoftwareSigningKey.FromPkcs8(shortSeed));

        Assert.Equal(PkiErrorCode.InvalidKey, truncated.Code);
        Assert.Equal(PkiErrorCode.InvalidKey, wrongSeed.Code);
    }

    [Theory]
    [InlineData(64)] // tr's first byte (rho 32, K 32, then tr 64)
    [InlineData(127)] // tr's last byte
    public void An_expanded_key_whose_parts_disagree_is_an_invalid_key(int flip)
    {
        // It still derives the right public key (from rho, s1, s2), so only a signature shows that it signs nothing valid.
        var seeded = Org.BouncyCastle.Crypto.Parameters.MLDsaPrivateKeyParameters.FromSeed(
            Org.BouncyCastle.Crypto.Parameters.MLDsaParameters.ml_dsa_65, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        byte[] expanded = seeded.GetEncoded();
        Assert.NotNull(SoftwareSigningKey.FromPkcs8(Wrap(KeyAlgorithm.MlDsa65, w => w.WriteOctetString(expanded)))); // intact: accepted

        expanded[flip] ^= 1;
        var error = Assert.Throws<PkiException>(() => SoftwareSigningKey.FromPkcs8(Wrap(KeyAlgorithm.MlDsa65, w => w.WriteOctetString(expanded))));

        Assert.Equal(PkiErrorCode.InvalidKey, error.Code);
    }

    [Fact]
    public void Encodings_rfc_9881_forbids_are_invalid_keys()
    {
        byte[] seed = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var seedTag = new Asn1Tag(TagClass.ContextSpecific, 0);
        Assert.NotNull(SoftwareSigningKey.FromPkcs8(Wrap(KeyAlgorithm.MlDsa65, w => w.WriteOctetString(seed, seedTag)))); // the seed form: accepted

        byte[][] forbidden =
        [
            Wrap(KeyAlgorithm.MlDsa65, w => w.WriteOctetString(seed, seedTag), nullParameters: true), // parameters must be absent
            Wrap(KeyAlgorithm.MlDsa65, w =>
            {
                using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    w.WriteOctetString(seed);
                }
            }), // [0] constructed: not DER
        ];

        Assert.All(forbidden, pkcs8 => Assert.Equal(PkiErrorCode.InvalidKey, Assert.Throws<PkiException>(() => SoftwareSigningKey.FromPkcs8(pkcs8)).Code));
    }

    /// <summary>A PrivateKeyInfo for <paramref name="algorithm"/> whose privateKey OCTET STRING holds what <paramref name="writeKey"/> writes.</summary>
    private static byte[] Wrap(KeyAlgorithm algorithm, Action<AsnWriter> writeKey, bool nullParameters = false)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(0);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(MlDsaParameterSets.Oid(algorithm));
                if (nullParameters)
                {
                    writer.WriteNull();
                }
            }

            var inner = new AsnWriter(AsnEncodingRules.BER);
            writeKey(inner);
            writer.WriteOctetString(inner.Encode());
        }

        return writer.Encode();
    }

    private static byte[] Rewrap(byte[] pkcs8, int seedLength)
    {
        var info = new AsnReader(pkcs8, AsnEncodingRules.DER).ReadSequence();
        info.ReadInteger();
        byte[] algorithm = info.ReadEncodedValue().ToArray();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(0);
            writer.WriteEncodedValue(algorithm);
            using (writer.PushOctetString())
            {
                writer.WriteOctetString(new byte[seedLength], new Asn1Tag(TagClass.ContextSpecific, 0));
            }
        }

        return writer.Encode();
    }

    [Fact]
    public void Native_ml_dsa_is_detected_and_not_required()
    {
        // OpenSSL 3.0 here: .NET's MLDsa is unavailable and BouncyCastle signs; with OpenSSL 3.5 the native branch is used.
        Assert.Equal(System.Security.Cryptography.MLDsa.IsSupported, MlDsaKey.NativeIsSupported);
        using var key = SoftwareSigningKey.Generate(KeyAlgorithm.MlDsa65);
        Assert.Equal(KeyAlgorithm.MlDsa65, key.Algorithm);
    }
}
