using System.Formats.Asn1;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;

namespace Pki.Core.Keys;

/// <summary>
/// An ML-DSA private key (FIPS 204, in X.509 per RFC 9881). Signs with .NET's <see cref="MLDsa"/> when the platform
/// supports it (OpenSSL 3.5 or later) and with BouncyCastle otherwise; both sign pure ML-DSA with an empty context
/// (RFC 9881, section 3) and the hedged (randomized) variant.
/// </summary>
internal abstract class MlDsaKey : IDisposable
{
    protected MlDsaKey(KeyAlgorithm algorithm) => Algorithm = algorithm;

    public KeyAlgorithm Algorithm { get; }

    /// <summary>SubjectPublicKeyInfo with the AlgorithmIdentifier's parameters absent (RFC 9881, section 4).</summary>
    public abstract byte[] SubjectPublicKeyInfo { get; }

    /// <summary>True when .NET's own ML-DSA works on this platform; it is preferred then.</summary>
    public static bool NativeIsSupported => NativeMlDsaKey.IsSupported;

    /// <summary>Generates a key from the operating system's CSPRNG.</summary>
    public static MlDsaKey Generate(KeyAlgorithm algorithm) =>
        NativeMlDsaKey.IsSupported ? NativeMlDsaKey.Generate(algorithm) : BouncyCastleMlDsaKey.Generate(algorithm);

    /// <summary>
    /// Loads a PKCS#8 PrivateKeyInfo holding an ML-DSA-PrivateKey (RFC 9881, section 6: seed, expandedKey or both), in DER
    /// with the AlgorithmIdentifier's parameters absent, and checks that the key signs what its own public key verifies: an
    /// expandedKey whose parts disagree (a wrong tr, t0, s1…) still derives the certificate's public key, but every
    /// signature it made would fail (FIPS 204: tr = H(pk)).
    /// </summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidKey"/> for anything malformed or inconsistent.</exception>
    public static MlDsaKey FromPkcs8(KeyAlgorithm algorithm, ReadOnlySpan<byte> pkcs8)
    {
        RequireRfc9881Encoding(pkcs8);
        MlDsaKey key = NativeMlDsaKey.IsSupported ? NativeMlDsaKey.FromPkcs8(algorithm, pkcs8) : BouncyCastleMlDsaKey.FromPkcs8(algorithm, pkcs8);
        try
        {
            ReadOnlySpan<byte> probe = "Pki.Core ML-DSA key consistency check"u8;
            if (!Verify(algorithm, RawPublicKey(key.SubjectPublicKeyInfo), probe, key.Sign(probe)))
            {
                throw new PkiException(PkiErrorCode.InvalidKey, "The ML-DSA private key is inconsistent: its signatures do not verify with its own public key.");
            }

            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>PrivateKeyInfo in DER, parameters absent, and the ML-DSA-PrivateKey CHOICE well-formed (RFC 9881, sections 2 and 6).</summary>
    private static void RequireRfc9881Encoding(ReadOnlySpan<byte> pkcs8)
    {
        try
        {
            var reader = new AsnReader(pkcs8.ToArray(), AsnEncodingRules.DER);
            var info = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            _ = info.ReadInteger();
            var algorithm = info.ReadSequence();
            _ = algorithm.ReadObjectIdentifier();
            if (algorithm.HasData)
            {
                throw new PkiException(PkiErrorCode.InvalidKey, "An ML-DSA private key's AlgorithmIdentifier must have no parameters (RFC 9881, section 2).");
            }

            var privateKey = new AsnReader(info.ReadOctetString(), AsnEncodingRules.DER);
            var tag = privateKey.PeekTag();
            if (tag.HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                if (privateKey.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 0)).Length != 32)
                {
                    throw new PkiException(PkiErrorCode.InvalidKey, "An ML-DSA seed is 32 bytes long (RFC 9881, section 6).");
                }
            }
            else if (tag.HasSameClassAndValue(Asn1Tag.Sequence))
            {
                var both = privateKey.ReadSequence();
                _ = both.ReadOctetString();
                _ = both.ReadOctetString();
                both.ThrowIfNotEmpty();
            }
            else
            {
                _ = privateKey.ReadOctetString();
            }

            privateKey.ThrowIfNotEmpty();
        }
        catch (AsnContentException ex)
        {
            throw new PkiException(PkiErrorCode.InvalidKey, "The ML-DSA private key is not DER-encoded as RFC 9881 requires.", ex);
        }
    }

    /// <summary>The subjectPublicKey BIT STRING's content of a SubjectPublicKeyInfo this class encoded.</summary>
    private static byte[] RawPublicKey(byte[] subjectPublicKeyInfo)
    {
        var spki = new AsnReader(subjectPublicKeyInfo, AsnEncodingRules.DER).ReadSequence();
        spki.ReadSequence();
        return spki.ReadBitString(out _);
    }

    /// <summary>Verifies a pure ML-DSA signature with an empty context.</summary>
    /// <param name="algorithm">The parameter set.</param>
    /// <param name="publicKey">The raw public key (the subjectPublicKey BIT STRING content).</param>
    /// <param name="data">The signed data.</param>
    /// <param name="signature">The signature.</param>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.WeakKey"/> when the public key has the wrong size.</exception>
    public static bool Verify(KeyAlgorithm algorithm, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != MlDsaParameterSets.PublicKeySize(algorithm))
        {
            throw new PkiException(PkiErrorCode.WeakKey, $"An {algorithm} public key must be {MlDsaParameterSets.PublicKeySize(algorithm)} bytes long.");
        }

        if (signature.Length != MlDsaParameterSets.SignatureSize(algorithm))
        {
            return false;
        }

        var key = MLDsaPublicKeyParameters.FromEncoding(MlDsaParameterSets.BouncyCastle(algorithm), publicKey.ToArray());
        var verifier = new MLDsaSigner(key.Parameters, deterministic: false);
        verifier.Init(forSigning: false, key);
        verifier.BlockUpdate(data);
        return verifier.VerifySignature(signature.ToArray());
    }

    public abstract byte[] Sign(ReadOnlySpan<byte> data);

    /// <summary>Exports the key as unencrypted PKCS#8 DER; the caller protects or clears it.</summary>
    public abstract byte[] ExportPkcs8();

    public virtual void Dispose()
    {
    }

    /// <summary>SubjectPublicKeyInfo ::= SEQUENCE { SEQUENCE { id-ml-dsa-* }, BIT STRING } (RFC 9881, section 4).</summary>
    protected static byte[] EncodeSubjectPublicKeyInfo(KeyAlgorithm algorithm, ReadOnlySpan<byte> publicKey)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER, initialCapacity: publicKey.Length + 32);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(MlDsaParameterSets.Oid(algorithm));
            }

            writer.WriteBitString(publicKey);
        }

        return writer.Encode();
    }

    protected static PkiException Invalid(Exception inner) => new(PkiErrorCode.InvalidKey, "The ML-DSA private key could not be loaded.", inner);

    /// <summary>The managed implementation; private keys are exported in the RFC 9881 seed form when the seed is known.</summary>
    private sealed class BouncyCastleMlDsaKey : MlDsaKey
    {
        private readonly MLDsaPrivateKeyParameters _key;
        private readonly byte[] _subjectPublicKeyInfo;

        private BouncyCastleMlDsaKey(KeyAlgorithm algorithm, MLDsaPrivateKeyParameters key)
            : base(algorithm)
        {
            _key = key;
            _subjectPublicKeyInfo = EncodeSubjectPublicKeyInfo(algorithm, key.GetPublicKeyEncoded());
        }

        public override byte[] SubjectPublicKeyInfo => _subjectPublicKeyInfo;

        public static new BouncyCastleMlDsaKey Generate(KeyAlgorithm algorithm)
        {
            // BouncyCastle keeps this array as the key's seed (for the RFC 9881 seed form), so it is not cleared here.
            byte[] seed = RandomNumberGenerator.GetBytes(32);
            return new BouncyCastleMlDsaKey(algorithm, MLDsaPrivateKeyParameters.FromSeed(MlDsaParameterSets.BouncyCastle(algorithm), seed));
        }

        public static new BouncyCastleMlDsaKey FromPkcs8(KeyAlgorithm algorithm, ReadOnlySpan<byte> pkcs8)
        {
            object key;
            byte[] copy = pkcs8.ToArray();
            try
            {
                key = PrivateKeyFactory.CreateKey(copy);
            }
            catch (IOException ex)
            {
                throw Invalid(ex);
            }
            catch (ArgumentException ex)
            {
                throw Invalid(ex);
            }
            catch (InvalidOperationException ex)
            {
                throw Invalid(ex);
            }
            catch (InvalidCastException ex)
            {
                throw Invalid(ex);
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(copy); // BouncyCastle keeps its own copy
            }

            if (key is not MLDsaPrivateKeyParameters mlDsa || mlDsa.Parameters != MlDsaParameterSets.BouncyCastle(algorithm))
            {
                throw new PkiException(PkiErrorCode.InvalidKey, $"The private key is not an {algorithm} key.");
            }

            return new BouncyCastleMlDsaKey(algorithm, mlDsa);
        }

        public override byte[] Sign(ReadOnlySpan<byte> data)
        {
            var signer = new MLDsaSigner(_key.Parameters, deterministic: false);
            signer.Init(forSigning: true, _key);
            signer.BlockUpdate(data);
            return signer.GenerateSignature();
        }

        public override byte[] ExportPkcs8() => PrivateKeyInfoFactory.CreatePrivateKeyInfo(_key).GetEncoded();
    }
}
