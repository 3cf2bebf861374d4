using System.Formats.Asn1;
using Pki.Core.Asn1;
using Pki.Core.Keys;

namespace Pki.Core.Issuance;

/// <summary>
/// Writes and signs a certificate, classical or hybrid per ITU-T X.509 (10/2019) section 9.8.
/// </summary>
/// <remarks>
/// A hybrid certificate is signed twice. First the alternative signature: the issuer's alternative (ML-DSA) key signs
/// the preTBSCertificate, which is the TBSCertificate without its <c>signature</c> AlgorithmIdentifier and without the
/// altSignatureValue extension (X.509 section 9.8.4 with the PreTBSCertificate type of section 7.2.2); the
/// altSignatureAlgorithm extension is already present. Then altSignatureValue is appended as the last extension and the
/// issuer's primary key signs the whole TBSCertificate, so the classical signature also covers the alternative one.
/// </remarks>
internal static class CertificateSigner
{
    /// <summary>The alternative-key parts of a certificate.</summary>
    /// <param name="IssuerKey">The issuer's alternative key; when set, the certificate gets altSignatureAlgorithm and altSignatureValue.</param>
    /// <param name="SubjectPublicKeyInfo">The subject's alternative public key for subjectAltPublicKeyInfo; empty for none.</param>
    public readonly record struct Alternative(ISigningKey? IssuerKey, ReadOnlyMemory<byte> SubjectPublicKeyInfo)
    {
        public static Alternative None => default;
    }

    /// <summary>Writes the TBSCertificate (two passes when hybrid), signs it and returns the DER certificate.</summary>
    public static async ValueTask<byte[]> SignAsync<TState>(
        CertificateFields fields,
        ISigningKey key,
        SignatureAlgorithm signature,
        Alternative alternative,
        TState state,
        Action<AsnWriter, TState> writeExtensions,
        CancellationToken cancellationToken)
    {
        byte[] tbs;
        if (alternative.IssuerKey is null && alternative.SubjectPublicKeyInfo.IsEmpty)
        {
            tbs = CertificateWriter.WriteTbs(fields, signature.AlgorithmIdentifier, state, writeExtensions);
        }
        else
        {
            byte[]? altAlgorithm = alternative.IssuerKey is null ? null : SignatureAlgorithm.For(alternative.IssuerKey.Algorithm).AlgorithmIdentifier;
            byte[]? altSignature = null;
            if (alternative.IssuerKey is not null)
            {
                byte[] preTbs = CertificateWriter.WriteTbs(
                    fields, ReadOnlySpan<byte>.Empty, new Parts<TState>(state, writeExtensions, alternative.SubjectPublicKeyInfo, altAlgorithm, null), Parts<TState>.Write);
                altSignature = await alternative.IssuerKey.SignAsync(preTbs, cancellationToken).ConfigureAwait(false);
            }

            tbs = CertificateWriter.WriteTbs(
                fields, signature.AlgorithmIdentifier, new Parts<TState>(state, writeExtensions, alternative.SubjectPublicKeyInfo, altAlgorithm, altSignature), Parts<TState>.Write);
        }

        byte[] signatureValue = await key.SignAsync(tbs, cancellationToken).ConfigureAwait(false);
        return CertificateWriter.Assemble(tbs, signature.AlgorithmIdentifier, signatureValue);
    }

    private sealed record Parts<TState>(TState State, Action<AsnWriter, TState> WriteExtensions, ReadOnlyMemory<byte> SubjectAltPublicKeyInfo, byte[]? AltAlgorithm, byte[]? AltSignature)
    {
        public static void Write(AsnWriter writer, Parts<TState> parts)
        {
            parts.WriteExtensions(writer, parts.State);
            if (!parts.SubjectAltPublicKeyInfo.IsEmpty)
            {
                AlternativeKeyExtensionWriter.SubjectAltPublicKeyInfo(writer, parts.SubjectAltPublicKeyInfo.Span);
            }

            if (parts.AltAlgorithm is not null)
            {
                AlternativeKeyExtensionWriter.AltSignatureAlgorithm(writer, parts.AltAlgorithm);
            }

            if (parts.AltSignature is not null)
            {
                AlternativeKeyExtensionWriter.AltSignatureValue(writer, parts.AltSignature);
            }
        }
    }
}
