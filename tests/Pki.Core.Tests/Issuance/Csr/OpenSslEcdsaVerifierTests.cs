using System.Formats.Asn1;
using System.Security.Cryptography;
using Pki.Core.Issuance.Csr;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Issuance.Csr;

/// <summary>
/// The OpenSSL 3 ECDSA path (<see cref="OpenSslEcdsaVerifier"/>) must give the verdicts of .NET's path
/// (<see cref="CsrSignatureVerifier.VerifyEcdsa"/>) on every input: good, tampered, non-DER signatures and off-curve keys.
/// </summary>
public sealed class OpenSslEcdsaVerifierTests
{
    private static readonly KeyPolicyOptions Policy = new();

    public static TheoryData<string, int, string> Curves => new()
    {
        { "nistP256", 256, "SHA256" },
        { "nistP256", 256, "SHA384" },
        { "nistP384", 384, "SHA384" },
        { "nistP384", 384, "SHA256" },
        { "nistP521", 521, "SHA512" },
    };

    public static TheoryData<string> CorpusEcFiles => new()
    {
        "csr/valid/cfssl-initca-ecdsa256.csr",
        "csr/valid/cfssl-initca-ecdsa384.csr",
        "csr/valid/cfssl-initca-ecdsa521.csr",
        "csr/valid/cfssl-selfsign-sans.csr",
        "csr/valid/pyca-ec_sha256-p384.pem",
    };

    [Fact]
    public void Is_available_on_linux_with_openssl_3()
    {
        bool expected = OperatingSystem.IsLinux() && SafeEvpPKeyHandle.OpenSslVersion >= 0x3000_0000L;

        Assert.Equal(expected, OpenSslEcdsaVerifier.IsAvailable);
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void Good_signature_verifies_and_tampered_ones_do_not(string curve, int bits, string hashName)
    {
        if (!OpenSslEcdsaVerifier.IsAvailable)
        {
            return; // elsewhere .NET's path answers; Is_available_on_linux_with_openssl_3 pins when this one must exist
        }

        using var key = ECDsa.Create(ECCurve.CreateFromFriendlyName(curve));
        var hash = new HashAlgorithmName(hashName);
        byte[] data = RandomNumberGenerator.GetBytes(321);
        byte[] signature = key.SignData(data, hash, DSASignatureFormat.Rfc3279DerSequence);
        byte[] point = Point(key);
        byte[] spki = key.ExportSubjectPublicKeyInfo();

        Assert.True(Both(bits, point, spki, hash, data, signature));

        byte[] badSignature = (byte[])signature.Clone();
        badSignature[^1] ^= 0x01;
        Assert.False(Both(bits, point, spki, hash, data, badSignature));

        byte[] badData = (byte[])data.Clone();
        badData[0] ^= 0x80;
        Assert.False(Both(bits, point, spki, hash, badData, signature));

        // Same signature, another hash: does not verify.
        var other = hashName == "SHA256" ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;
        Assert.False(Both(bits, point, spki, other, data, signature));
    }

    [Fact]
    public void Signature_that_is_not_der_does_not_verify()
    {
        if (!OpenSslEcdsaVerifier.IsAvailable)
        {
            return; // elsewhere .NET's path answers; Is_available_on_linux_with_openssl_3 pins when this one must exist
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] data = RandomNumberGenerator.GetBytes(64);
        byte[] der = key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        byte[] point = Point(key);
        byte[] spki = key.ExportSubjectPublicKeyInfo();

        // Trailing byte after the SEQUENCE.
        Assert.False(Both(256, point, spki, HashAlgorithmName.SHA256, data, [.. der, 0x00]));

        // The same SEQUENCE with a non-minimal (long-form) length: BER, not DER.
        byte[] longForm = [0x30, 0x81, .. der.AsSpan(1)];
        Assert.False(Both(256, point, spki, HashAlgorithmName.SHA256, data, longForm));

        // r with a superfluous leading zero byte.
        var reader = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        byte[] r = reader.ReadIntegerBytes().ToArray();
        byte[] s = reader.ReadIntegerBytes().ToArray();
        byte[] paddedR = [0x02, (byte)(r.Length + 1), 0x00, .. r];
        byte[] plainS = [0x02, (byte)s.Length, .. s];
        byte[] padded = [0x30, (byte)(paddedR.Length + plainS.Length), .. paddedR, .. plainS];
        Assert.False(Both(256, point, spki, HashAlgorithmName.SHA256, data, padded));

        // The raw IEEE P1363 form (r || s) is not DER either.
        byte[] p1363 = key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        Assert.False(Both(256, point, spki, HashAlgorithmName.SHA256, data, p1363));
    }

    [Theory]
    [InlineData("nistP256", 256)]
    [InlineData("nistP384", 384)]
    [InlineData("nistP521", 521)]
    public void Off_curve_point_is_a_weak_key(string curve, int bits)
    {
        if (!OpenSslEcdsaVerifier.IsAvailable)
        {
            return; // elsewhere .NET's path answers; Is_available_on_linux_with_openssl_3 pins when this one must exist
        }

        using var key = ECDsa.Create(ECCurve.CreateFromFriendlyName(curve));
        byte[] data = RandomNumberGenerator.GetBytes(64);
        byte[] signature = key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        byte[] point = Point(key);
        point[^1] ^= 0x01;

        var ex = Assert.Throws<PkiException>(() => OpenSslEcdsaVerifier.VerifyCore(bits, point, HashAlgorithmName.SHA256, data, signature));
        Assert.Equal(PkiErrorCode.WeakKey, ex.Code);
    }

    [Fact]
    public void Coordinates_outside_the_field_are_a_weak_key()
    {
        if (!OpenSslEcdsaVerifier.IsAvailable)
        {
            return; // elsewhere .NET's path answers; Is_available_on_linux_with_openssl_3 pins when this one must exist
        }

        byte[] data = RandomNumberGenerator.GetBytes(64);
        byte[] point = new byte[65];
        point[0] = 0x04;
        point.AsSpan(1).Fill(0xFF); // x = y = 2^256 - 1 > p

        var ex = Assert.Throws<PkiException>(() => OpenSslEcdsaVerifier.VerifyCore(256, point, HashAlgorithmName.SHA256, data, [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]));
        Assert.Equal(PkiErrorCode.WeakKey, ex.Code);
    }

    [Fact]
    public void Unknown_curve_or_hash_is_left_to_dotnet()
    {
        byte[] data = [1];
        Assert.Null(OpenSslEcdsaVerifier.VerifyCore(255, [0x04], HashAlgorithmName.SHA256, data, [0x30]));
        Assert.Null(OpenSslEcdsaVerifier.VerifyCore(256, [0x04], HashAlgorithmName.SHA1, data, [0x30]));
        Assert.Null(OpenSslEcdsaVerifier.VerifyCore(256, [0x04], HashAlgorithmName.MD5, data, [0x30]));
    }

    [Fact]
    public void A_point_not_in_uncompressed_form_is_left_to_dotnet()
    {
        if (!OpenSslEcdsaVerifier.IsAvailable)
        {
            return;
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] data = RandomNumberGenerator.GetBytes(64);
        byte[] signature = key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        byte[] point = Point(key);
        byte[] compressed = [(byte)(0x02 | (point[^1] & 1)), .. point.AsSpan(1, 32)];

        Assert.True(OpenSslEcdsaVerifier.VerifyCore(256, point, HashAlgorithmName.SHA256, data, signature));
        Assert.Null(OpenSslEcdsaVerifier.VerifyCore(256, compressed, HashAlgorithmName.SHA256, data, signature));
        Assert.Null(OpenSslEcdsaVerifier.VerifyCore(256, [0x00], HashAlgorithmName.SHA256, data, signature)); // the point at infinity
        Assert.Null(OpenSslEcdsaVerifier.VerifyCore(256, point.AsSpan(0, 64), HashAlgorithmName.SHA256, data, signature)); // truncated
        byte[] hybrid = [0x06, .. point.AsSpan(1)];
        Assert.Null(OpenSslEcdsaVerifier.VerifyCore(256, hybrid, HashAlgorithmName.SHA256, data, signature));
    }

    [Theory]
    [MemberData(nameof(CorpusEcFiles))]
    public void Corpus_ec_csr_verifies_on_both_paths(string file)
    {
        if (!OpenSslEcdsaVerifier.IsAvailable)
        {
            return; // elsewhere .NET's path answers; Is_available_on_linux_with_openssl_3 pins when this one must exist
        }

        var (bits, point, spki, hash, info, signature) = Parts(File.ReadAllText(Corpus.Path(file)));

        Assert.True(Both(bits, point, spki, hash, info, signature));

        signature[^2] ^= 0x01;
        Assert.False(Both(bits, point, spki, hash, info, signature));
    }

    [Fact]
    public void Csr_reader_rejects_a_bad_signature_on_a_p256_csr()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] der = TestCsrs.DotNet(key);
        der[^1] ^= 0x01; // the last byte of s

        var ex = Assert.Throws<PkiException>(() => CsrReader.Read(der, new CsrLimits(), Policy));
        Assert.Equal(PkiErrorCode.CsrSignatureInvalid, ex.Code);
    }

    /// <summary>Verdict of both paths, which must agree.</summary>
    private static bool Both(int bits, byte[] point, byte[] spki, HashAlgorithmName hash, byte[] data, byte[] signature)
    {
        bool? openSsl = OpenSslEcdsaVerifier.VerifyCore(bits, point, hash, data, signature);
        bool dotnet = CsrSignatureVerifier.VerifyEcdsa(spki, CsrSignatureAlgorithmFor(hash), data, signature);
        Assert.NotNull(openSsl);
        Assert.Equal(dotnet, openSsl.Value);
        return dotnet;
    }

    private static CsrSignatureAlgorithm CsrSignatureAlgorithmFor(HashAlgorithmName hash)
    {
        string oid = hash.Name switch
        {
            "SHA256" => "1.2.840.10045.4.3.2",
            "SHA384" => "1.2.840.10045.4.3.3",
            _ => "1.2.840.10045.4.3.4",
        };
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
        }

        return CsrSignatureAlgorithm.Parse(writer.Encode(), Policy);
    }

    private static (int Bits, byte[] Point, byte[] Spki, HashAlgorithmName Hash, byte[] Info, byte[] Signature) Parts(string pem)
    {
        var parsed = CsrReader.Read(pem, new CsrLimits(), Policy);
        var structure = CsrStructure.Parse(parsed.Der);
        var key = PublicKeyPolicy.Check(structure.SubjectPublicKeyInfo, Policy);
        var algorithm = CsrSignatureAlgorithm.Parse(structure.SignatureAlgorithm, Policy);
        return (key.PublicKey.Size, key.KeyBits.ToArray(), key.PublicKey.SubjectPublicKeyInfo.ToArray(), algorithm.Hash,
            structure.CertificationRequestInfo.ToArray(), structure.Signature.ToArray());
    }

    private static byte[] Point(ECDsa key)
    {
        var q = key.ExportParameters(false).Q;
        return [0x04, .. q.X!, .. q.Y!];
    }
}
