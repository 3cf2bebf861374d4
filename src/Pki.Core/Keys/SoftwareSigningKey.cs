using System.Formats.Asn1;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Pki.Core.Keys;

/// <summary>
/// A key held in process memory. ECDSA and RSA sign with .NET's OpenSSL-backed classes (BouncyCastle's managed RSA is
/// about 20 times slower); Ed25519 signs with BouncyCastle because .NET has no Ed25519; ML-DSA signs through
/// <see cref="MlDsaKey"/> (.NET when supported, BouncyCastle otherwise).
/// </summary>
internal sealed class SoftwareSigningKey : ISigningKey, IDisposable
{
    private const string Ed25519Oid = "1.3.101.112";

    private readonly AsymmetricAlgorithm? _dotnetKey;
    private readonly Ed25519PrivateKeyParameters? _ed25519;
    private readonly MlDsaKey? _mlDsa;
    private readonly byte[] _subjectPublicKeyInfo;

    private SoftwareSigningKey(KeyAlgorithm algorithm, AsymmetricAlgorithm? dotnetKey, Ed25519PrivateKeyParameters? ed25519, byte[] subjectPublicKeyInfo)
    {
        Algorithm = algorithm;
        _dotnetKey = dotnetKey;
        _ed25519 = ed25519;
        _subjectPublicKeyInfo = subjectPublicKeyInfo;
    }

    private SoftwareSigningKey(MlDsaKey mlDsa)
        : this(mlDsa.Algorithm, null, null, mlDsa.SubjectPublicKeyInfo) => _mlDsa = mlDsa;

    public KeyAlgorithm Algorithm { get; }

    public ReadOnlyMemory<byte> SubjectPublicKeyInfo => _subjectPublicKeyInfo;

    /// <summary>Generates a new key from the operating system's CSPRNG.</summary>
    public static SoftwareSigningKey Generate(KeyAlgorithm algorithm)
    {
        if (KeyAlgorithmFacts.IsEcdsa(algorithm))
        {
            var ecdsa = ECDsa.Create(KeyAlgorithmFacts.Curve(algorithm));
            return new SoftwareSigningKey(algorithm, ecdsa, null, ecdsa.ExportSubjectPublicKeyInfo());
        }

        if (KeyAlgorithmFacts.IsRsa(algorithm))
        {
            var rsa = RSA.Create(KeyAlgorithmFacts.Size(algorithm));
            return new SoftwareSigningKey(algorithm, rsa, null, rsa.ExportSubjectPublicKeyInfo());
        }

        if (algorithm == KeyAlgorithm.Ed25519)
        {
            Span<byte> seed = stackalloc byte[Ed25519PrivateKeyParameters.KeySize];
            RandomNumberGenerator.Fill(seed);
            var key = new Ed25519PrivateKeyParameters(seed);
            CryptographicOperations.ZeroMemory(seed);
            return new SoftwareSigningKey(algorithm, null, key, Ed25519PublicKeyInfo(key.GeneratePublicKey().GetEncoded()));
        }

        if (KeyAlgorithmFacts.IsMlDsa(algorithm))
        {
            return new SoftwareSigningKey(MlDsaKey.Generate(algorithm));
        }

        throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown key algorithm.");
    }

    /// <summary>Loads an unencrypted PKCS#8 PrivateKeyInfo (RFC 5208, RFC 5958).</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidKey"/> for anything malformed or unsupported.</exception>
    public static SoftwareSigningKey FromPkcs8(ReadOnlySpan<byte> pkcs8)
    {
        string oid;
        byte[] copy = pkcs8.ToArray(); // AsnReader reads memory, not spans: a copy of the plaintext, cleared below
        try
        {
            var reader = new AsnReader(copy, AsnEncodingRules.BER);
            var info = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            info.ReadInteger();
            oid = info.ReadSequence().ReadObjectIdentifier();
        }
        catch (AsnContentException ex)
        {
            throw new PkiException(PkiErrorCode.InvalidKey, "The private key is not a well-formed PKCS#8 structure.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(copy);
        }

        try
        {
            return oid switch
            {
                "1.2.840.10045.2.1" => LoadEcdsa(pkcs8),
                "1.2.840.113549.1.1.1" => LoadRsa(pkcs8),
                Ed25519Oid => LoadEd25519(pkcs8),
                _ when MlDsaParameterSets.FromOid(oid) is KeyAlgorithm mlDsa => new SoftwareSigningKey(MlDsaKey.FromPkcs8(mlDsa, pkcs8)),
                _ => throw new PkiException(PkiErrorCode.InvalidKey, $"Private keys of algorithm {oid} are not supported."),
            };
        }
        catch (CryptographicException ex)
        {
            throw new PkiException(PkiErrorCode.InvalidKey, "The private key could not be loaded.", ex);
        }
        catch (AsnContentException ex)
        {
            throw new PkiException(PkiErrorCode.InvalidKey, "The private key is not a well-formed PKCS#8 structure.", ex);
        }
        catch (PlatformNotSupportedException ex)
        {
            // OpenSSL names a curve it does not know this way (an unknown namedCurve OID in the key's parameters).
            throw new PkiException(PkiErrorCode.InvalidKey, "The private key uses a curve that is not supported.", ex);
        }
    }

    public ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Sign(data.Span));

    /// <summary>Signs synchronously; the signature is in X.509 form (DER ECDSA-Sig-Value for ECDSA).</summary>
    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        if (_mlDsa is not null)
        {
            return _mlDsa.Sign(data);
        }

        var hash = SignatureAlgorithm.For(Algorithm).Hash;
        return _dotnetKey switch
        {
            ECDsa ecdsa => ecdsa.SignData(data, hash, DSASignatureFormat.Rfc3279DerSequence),
            RSA rsa => rsa.SignData(data, hash, RSASignaturePadding.Pkcs1),
            _ => SignEd25519(data),
        };
    }

    /// <summary>Exports the key as unencrypted PKCS#8 DER; the caller protects or clears it.</summary>
    public byte[] ExportPkcs8()
    {
        if (_dotnetKey is not null)
        {
            return _dotnetKey.ExportPkcs8PrivateKey();
        }

        if (_mlDsa is not null)
        {
            return _mlDsa.ExportPkcs8();
        }

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(0);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(Ed25519Oid);
            }

            // CurvePrivateKey ::= OCTET STRING, wrapped in the PrivateKeyInfo OCTET STRING (RFC 8410, section 7).
            using (writer.PushOctetString())
            {
                writer.WriteOctetString(_ed25519!.GetEncoded());
            }
        }

        return writer.Encode();
    }

    public void Dispose()
    {
        _dotnetKey?.Dispose();
        _mlDsa?.Dispose();
    }

    private byte[] SignEd25519(ReadOnlySpan<byte> data)
    {
        var signer = new Ed25519Signer();
        signer.Init(forSigning: true, _ed25519);
        signer.BlockUpdate(data);
        return signer.GenerateSignature();
    }

    private static SoftwareSigningKey LoadEcdsa(ReadOnlySpan<byte> pkcs8)
    {
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
            KeyAlgorithm algorithm = ecdsa.ExportParameters(false).Curve.Oid?.Value switch
            {
                "1.2.840.10045.3.1.7" => KeyAlgorithm.EcdsaP256,
                "1.3.132.0.34" => KeyAlgorithm.EcdsaP384,
                "1.3.132.0.35" => KeyAlgorithm.EcdsaP521,
                _ => throw new PkiException(PkiErrorCode.InvalidKey, "Only P-256, P-384 and P-521 ECDSA keys on named curves are supported."),
            };
            return new SoftwareSigningKey(algorithm, ecdsa, null, ecdsa.ExportSubjectPublicKeyInfo());
        }
        catch
        {
            ecdsa.Dispose();
            throw;
        }
    }

    private static SoftwareSigningKey LoadRsa(ReadOnlySpan<byte> pkcs8)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            var algorithm = KeyAlgorithmFacts.From("RSA", rsa.KeySize)
                ?? throw new PkiException(PkiErrorCode.InvalidKey, $"RSA CA keys must be 2048, 3072 or 4096 bits, not {rsa.KeySize}.");
            return new SoftwareSigningKey(algorithm, rsa, null, rsa.ExportSubjectPublicKeyInfo());
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    private static SoftwareSigningKey LoadEd25519(ReadOnlySpan<byte> pkcs8)
    {
        byte[] copy = pkcs8.ToArray();
        byte[] inner = [];
        byte[] seed = [];
        try
        {
            var reader = new AsnReader(copy, AsnEncodingRules.BER).ReadSequence();
            reader.ReadInteger();
            reader.ReadSequence();
            inner = reader.ReadOctetString();
            seed = new AsnReader(inner, AsnEncodingRules.BER).ReadOctetString();
            if (seed.Length != Ed25519PrivateKeyParameters.KeySize)
            {
                throw new PkiException(PkiErrorCode.InvalidKey, "An Ed25519 private key must be 32 bytes.");
            }

            var key = new Ed25519PrivateKeyParameters(seed);
            return new SoftwareSigningKey(KeyAlgorithm.Ed25519, null, key, Ed25519PublicKeyInfo(key.GeneratePublicKey().GetEncoded()));
        }
        finally
        {
            // Every plaintext copy made on the way (the BouncyCastle key keeps its own).
            CryptographicOperations.ZeroMemory(copy);
            CryptographicOperations.ZeroMemory(inner);
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    private static byte[] Ed25519PublicKeyInfo(byte[] publicKey)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(Ed25519Oid);
            }

            writer.WriteBitString(publicKey);
        }

        return writer.Encode();
    }
}
