using System.Formats.Asn1;
using Pki.Core.Asn1;

namespace Pki.Core.Issuance;

/// <summary>
/// Writes a TBSCertificate and the signed Certificate (RFC 5280 section 4.1) directly with <see cref="AsnWriter"/>:
/// no intermediate object model, so issuing allocates little more than the certificate itself.
/// </summary>
internal static class CertificateWriter
{
    private static readonly Asn1Tag Version = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag ExtensionsTag = new(TagClass.ContextSpecific, 3, isConstructed: true);

    /// <summary>
    /// Writes the TBSCertificate; <paramref name="writeExtensions"/> writes the Extension TLVs in order. An empty
    /// <paramref name="signatureAlgorithm"/> leaves the field out, which gives the preTBSCertificate of X.509 section 9.8.
    /// </summary>
    public static byte[] WriteTbs<TState>(
        in CertificateFields fields,
        ReadOnlySpan<byte> signatureAlgorithm,
        TState state,
        Action<AsnWriter, TState> writeExtensions)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER, initialCapacity: 1024);
        using (writer.PushSequence())
        {
            using (writer.PushSequence(Version))
            {
                writer.WriteInteger(2);
            }

            writer.WriteInteger(fields.SerialNumber.Bytes);
            if (!signatureAlgorithm.IsEmpty)
            {
                writer.WriteEncodedValue(signatureAlgorithm);
            }

            writer.WriteEncodedValue(fields.IssuerName.Span);
            using (writer.PushSequence())
            {
                DerTime.Write(writer, fields.NotBefore);
                DerTime.Write(writer, fields.NotAfter);
            }

            writer.WriteEncodedValue(fields.SubjectName.Span);
            writer.WriteEncodedValue(fields.SubjectPublicKeyInfo.Span);
            using (writer.PushSequence(ExtensionsTag))
            using (writer.PushSequence())
            {
                writeExtensions(writer, state);
            }
        }

        return writer.Encode();
    }

    /// <summary>
    /// Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING } (RFC 5280 section 4.1);
    /// CertificateList (section 5.1) has the same shape.
    /// </summary>
    public static byte[] Assemble(ReadOnlySpan<byte> tbs, ReadOnlySpan<byte> signatureAlgorithm, ReadOnlySpan<byte> signature)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER, initialCapacity: tbs.Length + signatureAlgorithm.Length + signature.Length + 16);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(tbs);
            writer.WriteEncodedValue(signatureAlgorithm);
            writer.WriteBitString(signature);
        }

        return writer.Encode();
    }
}

/// <summary>The fields of a TBSCertificate other than the version, signature algorithm and extensions.</summary>
internal readonly record struct CertificateFields(
    SerialNumber SerialNumber,
    ReadOnlyMemory<byte> IssuerName,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    ReadOnlyMemory<byte> SubjectName,
    ReadOnlyMemory<byte> SubjectPublicKeyInfo);
