using System.Formats.Asn1;
using System.Net;
using System.Text;
using Pki.Core.Asn1;

namespace Pki.Core.Issuance.Csr;

/// <summary>What a CSR's extensionRequest attribute asks for, as far as Pki.Core interprets it.</summary>
/// <param name="Names">The requested subjectAltName, syntax-checked, or <see cref="SubjectAlternativeNames.None"/>.</param>
/// <param name="RequestsCertificateAuthority">True when basicConstraints with cA TRUE was requested.</param>
internal readonly record struct RequestedExtensions(SubjectAlternativeNames Names, bool RequestsCertificateAuthority);

/// <summary>
/// Reads the attributes of a CSR (RFC 2986, section 4.1; RFC 2985, section 5.4.2) and the extensions requested in
/// its extensionRequest attribute (RFC 5280, section 4.2).
/// </summary>
/// <remarks>
/// Every attribute must be well-formed DER with a non-empty value SET (SET SIZE(1..MAX)); only extensionRequest is
/// interpreted (at most one, with exactly one value). Inside it, duplicate extension OIDs and an explicitly encoded
/// <c>critical FALSE</c> (DER forbids encoding a DEFAULT value) are rejected. An empty Extensions SEQUENCE is
/// tolerated. Only subjectAltName and basicConstraints are read; other extensions, critical or not, are ignored
/// because requested extensions are never copied into a certificate. In the subjectAltName, dNSName, rfc822Name,
/// uniformResourceIdentifier and iPAddress are read; otherName, x400Address, directoryName, ediPartyName and
/// registeredID are skipped (they count towards the limit but are neither validated nor returned).
/// </remarks>
internal static class RequestedExtensionsReader
{
    private const int DnsNameTag = 2;
    private const int Rfc822NameTag = 1;
    private const int UriTag = 6;
    private const int IpAddressTag = 7;

    /// <summary>Reads the encoded <c>[0] IMPLICIT SET OF Attribute</c>.</summary>
    /// <exception cref="PkiException">
    /// <see cref="PkiErrorCode.InvalidCsr"/> for schema violations; <see cref="PkiErrorCode.InvalidSubjectAlternativeName"/>
    /// for a malformed name; <see cref="PkiErrorCode.InputTooLarge"/> for too many names.
    /// </exception>
    /// <exception cref="AsnContentException">When the attributes are not DER.</exception>
    public static RequestedExtensions Read(ReadOnlyMemory<byte> encodedAttributes, CsrLimits limits)
    {
        var outer = new AsnReader(encodedAttributes, AsnEncodingRules.DER);
        AsnReader attributes = outer.ReadSetOf(CsrStructure.AttributesTag);
        outer.ThrowIfNotEmpty();

        RequestedExtensions result = new(SubjectAlternativeNames.None, false);
        bool seenExtensionRequest = false;
        while (attributes.HasData)
        {
            AsnReader attribute = attributes.ReadSequence();
            string type = attribute.ReadObjectIdentifier();
            AsnReader values = attribute.ReadSetOf();
            attribute.ThrowIfNotEmpty();
            if (!values.HasData)
            {
                throw Invalid("A CSR attribute has no value (RFC 2986 requires SET SIZE(1..MAX)).");
            }

            if (type == Oids.ExtensionRequest)
            {
                if (seenExtensionRequest)
                {
                    throw Invalid("The CSR has more than one extensionRequest attribute.");
                }

                seenExtensionRequest = true;
                ReadOnlyMemory<byte> extensions = values.ReadEncodedValue();
                if (values.HasData)
                {
                    throw Invalid("The extensionRequest attribute must have exactly one value.");
                }

                result = ReadExtensions(extensions, limits);
            }
            else
            {
                while (values.HasData)
                {
                    values.ReadEncodedValue();
                }
            }
        }

        return result;
    }

    private static RequestedExtensions ReadExtensions(ReadOnlyMemory<byte> encodedExtensions, CsrLimits limits)
    {
        var outer = new AsnReader(encodedExtensions, AsnEncodingRules.DER);
        AsnReader extensions = outer.ReadSequence();
        outer.ThrowIfNotEmpty();

        SubjectAlternativeNames names = SubjectAlternativeNames.None;
        bool requestsCertificateAuthority = false;
        HashSet<string>? seen = null;
        while (extensions.HasData)
        {
            AsnReader extension = extensions.ReadSequence();
            string id = extension.ReadObjectIdentifier();
            if (extension.HasData && extension.PeekTag() == Asn1Tag.Boolean && !extension.ReadBoolean())
            {
                throw Invalid($"Extension {id} encodes critical FALSE explicitly; DER requires the DEFAULT to be omitted (X.690, section 11.5).");
            }

            if (!extension.TryReadPrimitiveOctetString(out ReadOnlyMemory<byte> value))
            {
                throw Invalid($"The value of extension {id} is not a primitive OCTET STRING.");
            }

            extension.ThrowIfNotEmpty();
            seen ??= new HashSet<string>(StringComparer.Ordinal);
            if (!seen.Add(id))
            {
                throw Invalid($"Extension {id} is requested more than once (RFC 5280, section 4.2).");
            }

            switch (id)
            {
                case Oids.SubjectAltName:
                    names = ReadSubjectAlternativeNames(value, limits.MaximumSubjectAlternativeNames);
                    break;
                case Oids.BasicConstraints:
                    requestsCertificateAuthority = ReadBasicConstraints(value);
                    break;
            }
        }

        return new RequestedExtensions(names, requestsCertificateAuthority);
    }

    // BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL }
    private static bool ReadBasicConstraints(ReadOnlyMemory<byte> value)
    {
        var outer = new AsnReader(value, AsnEncodingRules.DER);
        AsnReader constraints = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        bool certificateAuthority = false;
        if (constraints.HasData && constraints.PeekTag() == Asn1Tag.Boolean)
        {
            certificateAuthority = constraints.ReadBoolean();
            if (!certificateAuthority)
            {
                throw Invalid("basicConstraints encodes cA FALSE explicitly; DER requires the DEFAULT to be omitted.");
            }
        }

        if (constraints.HasData)
        {
            ReadOnlySpan<byte> pathLength = constraints.ReadIntegerBytes().Span;
            if ((pathLength[0] & 0x80) != 0)
            {
                throw Invalid("basicConstraints has a negative pathLenConstraint.");
            }
        }

        constraints.ThrowIfNotEmpty();
        return certificateAuthority;
    }

    // GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName (RFC 5280, section 4.2.1.6)
    private static SubjectAlternativeNames ReadSubjectAlternativeNames(ReadOnlyMemory<byte> value, int maxCount)
    {
        var outer = new AsnReader(value, AsnEncodingRules.DER);
        AsnReader generalNames = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        if (!generalNames.HasData)
        {
            throw Invalid("The subjectAltName extension is empty (GeneralNames is SIZE(1..MAX)).");
        }

        List<string>? dnsNames = null;
        List<IPAddress>? ipAddresses = null;
        List<string>? emails = null;
        List<Uri>? uris = null;
        int count = 0;
        while (generalNames.HasData)
        {
            if (++count > maxCount)
            {
                throw new PkiException(PkiErrorCode.InputTooLarge, $"The CSR requests more than {maxCount} subject alternative names.");
            }

            Asn1Tag tag = generalNames.PeekTag();
            if (tag.TagClass != TagClass.ContextSpecific)
            {
                throw Invalid("A GeneralName in the subjectAltName is not context-tagged.");
            }

            switch (tag.TagValue)
            {
                case DnsNameTag:
                    string dnsName = ReadIa5String(generalNames, tag);
                    SubjectAlternativeNameSyntax.ValidateDnsName(dnsName);
                    (dnsNames ??= []).Add(dnsName);
                    break;
                case Rfc822NameTag:
                    string email = ReadIa5String(generalNames, tag);
                    SubjectAlternativeNameSyntax.ValidateEmail(email);
                    (emails ??= []).Add(email);
                    break;
                case UriTag:
                    (uris ??= []).Add(SubjectAlternativeNameSyntax.ParseUri(ReadIa5String(generalNames, tag)));
                    break;
                case IpAddressTag:
                    if (!generalNames.TryReadPrimitiveOctetString(out ReadOnlyMemory<byte> address, tag))
                    {
                        throw Invalid("An iPAddress in the subjectAltName is not a primitive OCTET STRING.");
                    }

                    if (address.Length is not (4 or 16))
                    {
                        throw new PkiException(PkiErrorCode.InvalidSubjectAlternativeName, "An iPAddress must be 4 (IPv4) or 16 (IPv6) octets long.");
                    }

                    (ipAddresses ??= []).Add(new IPAddress(address.Span));
                    break;
                default:
                    // otherName, x400Address, directoryName, ediPartyName, registeredID: not interpreted.
                    generalNames.ReadEncodedValue();
                    break;
            }
        }

        return new SubjectAlternativeNames(dnsNames, ipAddresses, emails, uris);
    }

    private static string ReadIa5String(AsnReader reader, Asn1Tag tag)
    {
        if (!reader.TryReadPrimitiveCharacterStringBytes(tag, out ReadOnlyMemory<byte> bytes))
        {
            throw Invalid("A name in the subjectAltName is not a primitive IA5String.");
        }

        ReadOnlySpan<byte> span = bytes.Span;
        if (!Ascii.IsValid(span))
        {
            throw new PkiException(PkiErrorCode.InvalidSubjectAlternativeName, "A name in the subjectAltName is not an IA5String (ASCII).");
        }

        return Encoding.ASCII.GetString(span);
    }

    private static PkiException Invalid(string message) => new(PkiErrorCode.InvalidCsr, message);
}
