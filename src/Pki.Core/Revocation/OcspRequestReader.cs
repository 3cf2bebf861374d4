using System.Formats.Asn1;

namespace Pki.Core.Revocation;

/// <summary>
/// Reads an OCSPRequest (RFC 6960 section 4.1.1) strictly as DER with <see cref="AsnReader"/>: indefinite or
/// non-minimal lengths, trailing bytes, an explicit default version, too many CertIDs or a duplicate nonce make the
/// request malformed, and so does a nonce that is not an OCTET STRING of 1 to 128 octets (RFC 9654 section 2.1). The
/// optional request signature is skipped, not checked.
/// </summary>
internal static class OcspRequestReader
{
    public const int MaximumSize = 16 * 1024;
    public const int MaximumCertIds = 32;
    public const int MaximumNonceLength = 128;
    public const string NonceOid = "1.3.6.1.5.5.7.48.1.2";

    private static readonly Asn1Tag Explicit0 = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag Explicit1 = new(TagClass.ContextSpecific, 1, isConstructed: true);
    private static readonly Asn1Tag Explicit2 = new(TagClass.ContextSpecific, 2, isConstructed: true);

    /// <summary>Parses <paramref name="der"/>; returns null when it is not a well-formed DER OCSPRequest.</summary>
    public static OcspRequest? TryRead(ReadOnlyMemory<byte> der)
    {
        if (der.IsEmpty || der.Length > MaximumSize)
        {
            return null;
        }

        try
        {
            return Read(der);
        }
        catch (AsnContentException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static OcspRequest? Read(ReadOnlyMemory<byte> der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var request = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var tbs = request.ReadSequence();
        if (request.HasData)
        {
            if (!request.PeekTag().HasSameClassAndValue(Explicit0))
            {
                return null;
            }

            request.ReadEncodedValue(); // optionalSignature [0] EXPLICIT: not checked
        }

        request.ThrowIfNotEmpty();
        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Explicit0))
        {
            return null; // version [0] DEFAULT v1: DER omits it, and there is no other version
        }

        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Explicit1))
        {
            tbs.ReadEncodedValue(); // requestorName
        }

        var list = tbs.ReadSequence();
        var certIds = new List<OcspCertId>();
        while (list.HasData)
        {
            if (certIds.Count == MaximumCertIds)
            {
                return null;
            }

            var single = list.ReadSequence();
            certIds.Add(ReadCertId(single.ReadEncodedValue()));
            if (single.HasData)
            {
                // singleRequestExtensions: none understood, but they must be well-formed Extensions too.
                var extensions = ReadExtensionList(single.ReadSequence(Explicit0));
                while (extensions.HasData)
                {
                    if (ReadExtension(extensions) is null)
                    {
                        return null;
                    }
                }
            }

            single.ThrowIfNotEmpty();
        }

        if (certIds.Count == 0)
        {
            return null;
        }

        ReadOnlyMemory<byte>? nonce = null;
        if (tbs.HasData)
        {
            var extensions = ReadExtensionList(tbs.ReadSequence(Explicit2));
            while (extensions.HasData)
            {
                if (ReadExtension(extensions) is not var (oid, value, encoded))
                {
                    return null;
                }

                if (oid == NonceOid)
                {
                    if (nonce is not null || !IsNonce(value))
                    {
                        return null;
                    }

                    nonce = encoded;
                }
            }
        }

        tbs.ThrowIfNotEmpty();
        return new OcspRequest(certIds, nonce);
    }

    /// <summary>The Extensions SEQUENCE inside an explicit tag, which must hold nothing after it.</summary>
    private static AsnReader ReadExtensionList(AsnReader explicitTag)
    {
        var extensions = explicitTag.ReadSequence();
        explicitTag.ThrowIfNotEmpty();
        return extensions;
    }

    /// <summary>Reads one Extension (RFC 5280 section 4.1); null when it encodes critical FALSE, the DEFAULT DER omits.</summary>
    private static (string Oid, byte[] Value, ReadOnlyMemory<byte> Encoded)? ReadExtension(AsnReader extensions)
    {
        var encoded = extensions.ReadEncodedValue();
        var extension = new AsnReader(encoded, AsnEncodingRules.DER).ReadSequence();
        string oid = extension.ReadObjectIdentifier();
        if (extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && !extension.ReadBoolean())
        {
            return null;
        }

        byte[] value = extension.ReadOctetString();
        extension.ThrowIfNotEmpty();
        return (oid, value, encoded);
    }

    /// <summary>Nonce ::= OCTET STRING (SIZE(1..128)), DER-encoded in the extnValue (RFC 9654 section 2.1).</summary>
    private static bool IsNonce(byte[] extensionValue)
    {
        var reader = new AsnReader(extensionValue, AsnEncodingRules.DER);
        byte[] nonce = reader.ReadOctetString();
        reader.ThrowIfNotEmpty();
        return nonce.Length is >= 1 and <= MaximumNonceLength;
    }

    private static OcspCertId ReadCertId(ReadOnlyMemory<byte> encoded)
    {
        var certId = new AsnReader(encoded, AsnEncodingRules.DER).ReadSequence();
        var algorithm = certId.ReadSequence();
        string hashOid = algorithm.ReadObjectIdentifier();
        if (algorithm.HasData)
        {
            algorithm.ReadNull();
        }

        algorithm.ThrowIfNotEmpty();
        byte[] nameHash = certId.ReadOctetString();
        byte[] keyHash = certId.ReadOctetString();
        var serial = certId.ReadIntegerBytes();
        certId.ThrowIfNotEmpty();
        return new OcspCertId(encoded, hashOid, nameHash, keyHash, SerialNumber.IsValid(serial.Span) ? SerialNumber.FromBytes(serial.Span) : null);
    }
}

/// <summary>A parsed OCSPRequest: its CertIDs and the nonce extension (the whole Extension TLV, echoed verbatim).</summary>
internal sealed record OcspRequest(IReadOnlyList<OcspCertId> CertIds, ReadOnlyMemory<byte>? NonceExtension);

/// <summary>One CertID (RFC 6960 section 4.1.1): kept encoded, to be echoed byte for byte; the serial is null when it is not a valid serial number.</summary>
internal sealed record OcspCertId(ReadOnlyMemory<byte> Encoded, string HashAlgorithm, byte[] IssuerNameHash, byte[] IssuerKeyHash, SerialNumber? SerialNumber);
