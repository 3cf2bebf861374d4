using System.Formats.Asn1;
using System.Text;

namespace Pki.Core.Issuance.Csr;

/// <summary>Reads the subject Name of a CSR (RFC 5280, section 4.1.2.4) into a <see cref="DistinguishedName"/>.</summary>
/// <remarks>
/// Values are decoded with their real ASN.1 string type: UTF8String, PrintableString, IA5String, BMPString,
/// NumericString and VisibleString through <see cref="AsnReader.ReadCharacterString(UniversalTagNumber, Asn1Tag?)"/>
/// (which enforces each type's alphabet), TeletexString as ISO 8859-1 (what OpenSSL and most producers actually put
/// there; true T.61 is not supported). UniversalString and non-string values are rejected. Multi-valued RDNs are
/// flattened; the SET OF order is checked as DER requires. The final checks (control characters, bounds, country
/// format) are <see cref="DistinguishedName.FromComponents"/>'s.
/// </remarks>
internal static class SubjectNameReader
{
    /// <summary>Reads an encoded Name.</summary>
    /// <exception cref="PkiException">
    /// <see cref="PkiErrorCode.InvalidName"/> for an unsupported string type or a bad value;
    /// <see cref="PkiErrorCode.InputTooLarge"/> for more than <see cref="CsrLimits.MaximumSubjectAttributes"/> attributes;
    /// <see cref="PkiErrorCode.InvalidCsr"/> for an empty RDN.
    /// </exception>
    /// <exception cref="AsnContentException">When the Name is not DER.</exception>
    public static DistinguishedName Read(ReadOnlyMemory<byte> encodedName, CsrLimits limits)
    {
        var outer = new AsnReader(encodedName, AsnEncodingRules.DER);
        AsnReader rdns = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        if (!rdns.HasData)
        {
            return DistinguishedName.Empty;
        }

        var components = new List<DistinguishedNameComponent>(8);
        while (rdns.HasData)
        {
            AsnReader rdn = rdns.ReadSetOf();
            if (!rdn.HasData)
            {
                throw new PkiException(PkiErrorCode.InvalidCsr, "A relative distinguished name in the subject is empty.");
            }

            while (rdn.HasData)
            {
                if (components.Count == limits.MaximumSubjectAttributes)
                {
                    throw new PkiException(PkiErrorCode.InputTooLarge, $"The subject has more than {limits.MaximumSubjectAttributes} attributes.");
                }

                AsnReader attribute = rdn.ReadSequence();
                string oid = attribute.ReadObjectIdentifier();
                Asn1Tag tag = attribute.HasData ? attribute.PeekTag() : default;
                ReadOnlyMemory<byte> value = attribute.ReadEncodedValue();
                attribute.ThrowIfNotEmpty();
                components.Add(new DistinguishedNameComponent(oid, DecodeValue(oid, tag, value)));
            }
        }

        return DistinguishedName.FromComponents(components);
    }

    private static string DecodeValue(string oid, Asn1Tag tag, ReadOnlyMemory<byte> encoded)
    {
        string name = DistinguishedNameOids.ShortNameOf(oid);
        if (tag.TagClass != TagClass.Universal || tag.IsConstructed)
        {
            throw InvalidName($"The value of {name} is not a character string.");
        }

        var type = (UniversalTagNumber)tag.TagValue;
        if (oid == DistinguishedNameOids.Country && type != UniversalTagNumber.PrintableString)
        {
            throw InvalidName("The country (C) must be encoded as a PrintableString (RFC 5280, appendix A).");
        }

        try
        {
            var reader = new AsnReader(encoded, AsnEncodingRules.DER);
            switch (type)
            {
                case UniversalTagNumber.UTF8String:
                case UniversalTagNumber.PrintableString:
                case UniversalTagNumber.IA5String:
                case UniversalTagNumber.BMPString:
                case UniversalTagNumber.NumericString:
                case UniversalTagNumber.VisibleString:
                    return reader.ReadCharacterString(type);
                case UniversalTagNumber.TeletexString:
                    if (!reader.TryReadPrimitiveCharacterStringBytes(tag, out ReadOnlyMemory<byte> bytes))
                    {
                        throw InvalidName($"The value of {name} is not a primitive TeletexString.");
                    }

                    return Encoding.Latin1.GetString(bytes.Span);
                default:
                    throw InvalidName($"The value of {name} uses an unsupported string type ({type}).");
            }
        }
        catch (AsnContentException ex)
        {
            throw new PkiException(PkiErrorCode.InvalidName, $"The value of {name} is not a valid {type}.", ex);
        }
    }

    private static PkiException InvalidName(string message) => new(PkiErrorCode.InvalidName, message);
}
