using System.Formats.Asn1;

namespace Pki.Core.Keys;

/// <summary>
/// Verifies the ML-DSA signature of an X.509 certificate (RFC 9881) without .NET or OpenSSL support for ML-DSA: strict
/// DER parsing, the same parameter-less AlgorithmIdentifier inside and outside the TBSCertificate, the issuer key's
/// parameter set equal to the signature's, then pure ML-DSA verification with an empty context.
/// </summary>
internal static class MlDsaCertificateSignature
{
    /// <summary>True when <paramref name="certificateDer"/> is signed by the ML-DSA key in <paramref name="issuerSubjectPublicKeyInfo"/>.</summary>
    /// <exception cref="PkiException">
    /// <see cref="PkiErrorCode.InvalidRequest"/> when either input is not well-formed DER;
    /// <see cref="PkiErrorCode.UnsupportedAlgorithm"/> when the signature or key is not ML-DSA as RFC 9881 encodes it.
    /// </exception>
    public static bool Verify(ReadOnlyMemory<byte> certificateDer, ReadOnlyMemory<byte> issuerSubjectPublicKeyInfo)
    {
        try
        {
            var outer = new AsnReader(certificateDer, AsnEncodingRules.DER);
            var certificate = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            var tbs = certificate.ReadEncodedValue();
            var outerAlgorithm = certificate.ReadEncodedValue();
            byte[] signature = certificate.ReadBitString(out int unused);
            certificate.ThrowIfNotEmpty();
            var tbsReader = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
            tbsReader.ReadEncodedValue();
            tbsReader.ReadEncodedValue();
            if (unused != 0 || !tbsReader.ReadEncodedValue().Span.SequenceEqual(outerAlgorithm.Span))
            {
                return false;
            }

            KeyAlgorithm algorithm = ReadAlgorithm(outerAlgorithm);
            var spki = new AsnReader(issuerSubjectPublicKeyInfo, AsnEncodingRules.DER).ReadSequence();
            if (ReadAlgorithm(spki.ReadEncodedValue()) != algorithm)
            {
                throw new PkiException(PkiErrorCode.UnsupportedAlgorithm, $"The issuer key is not an {algorithm} key.");
            }

            byte[] publicKey = spki.ReadBitString(out _);
            return MlDsaKey.Verify(algorithm, publicKey, tbs.Span, signature);
        }
        catch (AsnContentException ex)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, "The certificate or the issuer key is not well-formed DER.", ex);
        }
    }

    private static KeyAlgorithm ReadAlgorithm(ReadOnlyMemory<byte> algorithmIdentifier)
    {
        var sequence = new AsnReader(algorithmIdentifier, AsnEncodingRules.DER).ReadSequence();
        string oid = sequence.ReadObjectIdentifier();
        if (sequence.HasData || MlDsaParameterSets.FromOid(oid) is not KeyAlgorithm algorithm)
        {
            throw new PkiException(PkiErrorCode.UnsupportedAlgorithm, $"{oid} with parameters is not ML-DSA as RFC 9881 encodes it.");
        }

        return algorithm;
    }
}
