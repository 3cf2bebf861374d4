using System.Formats.Asn1;

namespace Pki.Core.Revocation;

/// <summary>CertStatus choices (RFC 6960 section 4.2.1).</summary>
internal enum OcspCertStatus
{
    Good,
    Revoked,
    Unknown,
}

/// <summary>One SingleResponse to write.</summary>
internal readonly record struct OcspSingleResponse(
    ReadOnlyMemory<byte> CertId,
    OcspCertStatus Status,
    DateTimeOffset RevokedAt,
    RevocationReason Reason,
    DateTimeOffset ThisUpdate,
    DateTimeOffset NextUpdate);

/// <summary>Writes OCSPResponse and BasicOCSPResponse (RFC 6960 section 4.2.1) with <see cref="AsnWriter"/>.</summary>
internal static class OcspResponseWriter
{
    private const string BasicResponseOid = "1.3.6.1.5.5.7.48.1.1";

    private static readonly Asn1Tag Explicit0 = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag Explicit1 = new(TagClass.ContextSpecific, 1, isConstructed: true);
    private static readonly Asn1Tag Explicit2 = new(TagClass.ContextSpecific, 2, isConstructed: true);
    private static readonly Asn1Tag Implicit0 = new(TagClass.ContextSpecific, 0);
    private static readonly Asn1Tag Implicit1 = new(TagClass.ContextSpecific, 1, isConstructed: true);
    private static readonly Asn1Tag Implicit2 = new(TagClass.ContextSpecific, 2);

    /// <summary>An OCSPResponse without responseBytes: every status but successful.</summary>
    public static byte[] Error(OcspResponseStatus status)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEnumeratedValue(status);
        }

        return writer.Encode();
    }

    /// <summary>ResponseData with responderID byKey (the SHA-1 of the responder's public key bits).</summary>
    public static byte[] WriteResponseData(ReadOnlySpan<byte> responderKeyHash, DateTimeOffset producedAt, IReadOnlyList<OcspSingleResponse> responses, ReadOnlyMemory<byte>? nonceExtension)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER, initialCapacity: 256 + (responses.Count * 128));
        using (writer.PushSequence())
        {
            using (writer.PushSequence(Explicit2))
            {
                writer.WriteOctetString(responderKeyHash);
            }

            WriteTime(writer, producedAt);
            using (writer.PushSequence())
            {
                foreach (var response in responses)
                {
                    WriteSingle(writer, response);
                }
            }

            if (nonceExtension is { } nonce)
            {
                using (writer.PushSequence(Explicit1))
                using (writer.PushSequence())
                {
                    writer.WriteEncodedValue(nonce.Span);
                }
            }
        }

        return writer.Encode();
    }

    /// <summary>A successful OCSPResponse carrying a BasicOCSPResponse; <paramref name="responderCertificate"/> goes into <c>certs</c>.</summary>
    public static byte[] Success(ReadOnlySpan<byte> responseData, ReadOnlySpan<byte> signatureAlgorithm, ReadOnlySpan<byte> signature, byte[]? responderCertificate)
    {
        var basic = new AsnWriter(AsnEncodingRules.DER, initialCapacity: responseData.Length + signature.Length + 64);
        using (basic.PushSequence())
        {
            basic.WriteEncodedValue(responseData);
            basic.WriteEncodedValue(signatureAlgorithm);
            basic.WriteBitString(signature);
            if (responderCertificate is { } certificate)
            {
                using (basic.PushSequence(Explicit0))
                using (basic.PushSequence())
                {
                    basic.WriteEncodedValue(certificate);
                }
            }
        }

        var writer = new AsnWriter(AsnEncodingRules.DER, initialCapacity: basic.GetEncodedLength() + 32);
        using (writer.PushSequence())
        {
            writer.WriteEnumeratedValue(OcspResponseStatus.Successful);
            using (writer.PushSequence(Explicit0))
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(BasicResponseOid);
                using (writer.PushOctetString())
                {
                    basic.CopyTo(writer);
                }
            }
        }

        return writer.Encode();
    }

    private static void WriteSingle(AsnWriter writer, in OcspSingleResponse response)
    {
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(response.CertId.Span);
            switch (response.Status)
            {
                case OcspCertStatus.Good:
                    writer.WriteNull(Implicit0);
                    break;
                case OcspCertStatus.Revoked:
                    using (writer.PushSequence(Implicit1))
                    {
                        WriteTime(writer, response.RevokedAt);
                        if (response.Reason != RevocationReason.Unspecified)
                        {
                            using (writer.PushSequence(Explicit0))
                            {
                                writer.WriteEnumeratedValue(response.Reason);
                            }
                        }
                    }

                    break;
                default:
                    writer.WriteNull(Implicit2);
                    break;
            }

            WriteTime(writer, response.ThisUpdate);
            using (writer.PushSequence(Explicit0))
            {
                WriteTime(writer, response.NextUpdate);
            }
        }
    }

    private static void WriteTime(AsnWriter writer, DateTimeOffset value) =>
        writer.WriteGeneralizedTime(Asn1.DerTime.TruncateToSecond(value), omitFractionalSeconds: true);
}
