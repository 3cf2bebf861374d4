using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace Pki.Core.Issuance.Csr;

/// <summary>
/// Verifies a CSR's proof of possession (RFC 2986, section 3, step 3) over the exact DER of certificationRequestInfo.
/// </summary>
/// <remarks>
/// RSA and ECDSA use .NET's OpenSSL-backed classes (importing an untrusted RSA key into BouncyCastle costs about
/// 14 ms of validation); Ed25519, which .NET lacks, uses BouncyCastle. On Linux with OpenSSL 3, ECDSA goes straight to
/// OpenSSL's provider API instead (<see cref="OpenSslEcdsaVerifier"/>: the same checks without the ≈ 140 µs legacy key
/// import). Importing the key is the last key check: OpenSSL rejects an EC point that is not on its curve and
/// BouncyCastle an Ed25519 encoding that is not a point.
/// ML-DSA (RFC 9881: pure ML-DSA, empty context) is verified with BouncyCastle; the signature's parameter set must be
/// the key's.
/// </remarks>
internal static class CsrSignatureVerifier
{
    /// <exception cref="PkiException">
    /// <see cref="PkiErrorCode.UnsupportedAlgorithm"/> when the algorithm does not fit the key;
    /// <see cref="PkiErrorCode.WeakKey"/> when the key cannot be imported;
    /// <see cref="PkiErrorCode.CsrSignatureInvalid"/> when the signature does not verify.
    /// </exception>
    public static void Verify(CheckedPublicKey key, CsrSignatureAlgorithm algorithm, ReadOnlySpan<byte> signedData, ReadOnlySpan<byte> signature)
    {
        string family = key.PublicKey.Family;
        if (family != algorithm.KeyFamily)
        {
            throw new PkiException(PkiErrorCode.UnsupportedAlgorithm, $"A {family} key cannot make a {algorithm.KeyFamily} signature.");
        }

        if (algorithm.MlDsa is KeyAlgorithm mlDsa && Keys.KeyAlgorithmFacts.Size(mlDsa) != key.PublicKey.Size)
        {
            throw new PkiException(PkiErrorCode.UnsupportedAlgorithm, $"An ML-DSA-{key.PublicKey.Size} key cannot make an {mlDsa} signature.");
        }

        bool valid = family switch
        {
            CsrKeyFamilies.Rsa => VerifyRsa(key.PublicKey.SubjectPublicKeyInfo.Span, algorithm, signedData, signature),
            CsrKeyFamilies.Ecdsa => OpenSslEcdsaVerifier.TryVerify(key.PublicKey.Size, key.KeyBits.Span, algorithm.Hash, signedData, signature)
                ?? VerifyEcdsa(key.PublicKey.SubjectPublicKeyInfo.Span, algorithm, signedData, signature),
            CsrKeyFamilies.MlDsa => Keys.MlDsaKey.Verify(algorithm.MlDsa!.Value, key.KeyBits.Span, signedData, signature),
            _ => VerifyEd25519(key.KeyBits.Span, signedData, signature),
        };

        if (!valid)
        {
            throw new PkiException(PkiErrorCode.CsrSignatureInvalid, "The CSR's signature does not verify with its public key.");
        }
    }

    private static bool VerifyRsa(ReadOnlySpan<byte> spki, CsrSignatureAlgorithm algorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        using RSA rsa = RSA.Create();
        try
        {
            rsa.ImportSubjectPublicKeyInfo(spki, out _);
        }
        catch (CryptographicException ex)
        {
            throw new PkiException(PkiErrorCode.WeakKey, "The RSA public key is not valid.", ex);
        }

        try
        {
            return rsa.VerifyData(data, signature, algorithm.Hash, algorithm.Padding!);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>.NET's path: <c>ECDsa.ImportSubjectPublicKeyInfo</c> and <c>ECDsa.VerifyData</c>.</summary>
    internal static bool VerifyEcdsa(ReadOnlySpan<byte> spki, CsrSignatureAlgorithm algorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        using ECDsa ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportSubjectPublicKeyInfo(spki, out _);
        }
        catch (CryptographicException ex)
        {
            throw new PkiException(PkiErrorCode.WeakKey, "The EC public key is not a valid point on its curve.", ex);
        }

        try
        {
            return ecdsa.VerifyData(data, signature, algorithm.Hash, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static bool VerifyEd25519(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        Ed25519PublicKeyParameters parameters;
        try
        {
            parameters = new Ed25519PublicKeyParameters(publicKey);
        }
        catch (ArgumentException ex)
        {
            throw new PkiException(PkiErrorCode.WeakKey, "The Ed25519 public key is not a valid curve point.", ex);
        }

        return signature.Length == Ed25519.SignatureSize
            && parameters.Verify(Ed25519.Algorithm.Ed25519, null, data, signature);
    }
}
