using System.Formats.Asn1;

namespace Pki.Core.Issuance.Csr;

/// <summary>
/// The outer shape of a PKCS#10 request (RFC 2986, section 4), read with strict DER. Every member is a slice of the
/// input, not a copy; the inner structures are read by the specialised readers.
/// </summary>
/// <param name="CertificationRequestInfo">The exact DER of certificationRequestInfo, the bytes the signature covers.</param>
/// <param name="Subject">The encoded subject Name.</param>
/// <param name="SubjectPublicKeyInfo">The encoded SubjectPublicKeyInfo.</param>
/// <param name="Attributes">The encoded <c>[0] IMPLICIT SET OF Attribute</c>.</param>
/// <param name="SignatureAlgorithm">The encoded signatureAlgorithm AlgorithmIdentifier.</param>
/// <param name="Signature">The signature BIT STRING's content (no unused bits).</param>
internal readonly record struct CsrStructure(
    ReadOnlyMemory<byte> CertificationRequestInfo,
    ReadOnlyMemory<byte> Subject,
    ReadOnlyMemory<byte> SubjectPublicKeyInfo,
    ReadOnlyMemory<byte> Attributes,
    ReadOnlyMemory<byte> SignatureAlgorithm,
    ReadOnlyMemory<byte> Signature)
{
    internal static readonly Asn1Tag AttributesTag = new(TagClass.ContextSpecific, 0, isConstructed: true);

    /// <summary>Reads the outer structure.</summary>
    /// <remarks>
    /// The attributes field is required (it is not OPTIONAL in RFC 2986), though it may be an empty set. Structural
    /// errors surface as <see cref="AsnContentException"/>, which <see cref="CsrReader"/> turns into
    /// <see cref="PkiErrorCode.InvalidCsr"/>.
    /// </remarks>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidCsr"/> for a wrong version or layout.</exception>
    /// <exception cref="AsnContentException">When the bytes are not DER.</exception>
    public static CsrStructure Parse(ReadOnlyMemory<byte> der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        AsnReader request = outer.ReadSequence();
        outer.ThrowIfNotEmpty();

        ReadOnlyMemory<byte> info = ReadEncoded(request, Asn1Tag.Sequence, "certificationRequestInfo");
        ReadOnlyMemory<byte> signatureAlgorithm = ReadEncoded(request, Asn1Tag.Sequence, "signatureAlgorithm");
        if (!request.TryReadPrimitiveBitString(out int unusedBits, out ReadOnlyMemory<byte> signature) || unusedBits != 0)
        {
            throw Invalid("The signature BIT STRING must be primitive with no unused bits.");
        }

        request.ThrowIfNotEmpty();

        AsnReader infoReader = new AsnReader(info, AsnEncodingRules.DER).ReadSequence();
        if (!infoReader.TryReadInt32(out int version) || version != 0)
        {
            throw Invalid("The CSR version must be 0 (v1, RFC 2986 section 4.1).");
        }

        ReadOnlyMemory<byte> subject = ReadEncoded(infoReader, Asn1Tag.Sequence, "subject");
        ReadOnlyMemory<byte> subjectPublicKeyInfo = ReadEncoded(infoReader, Asn1Tag.Sequence, "subjectPKInfo");
        ReadOnlyMemory<byte> attributes = ReadEncoded(infoReader, AttributesTag, "attributes");
        infoReader.ThrowIfNotEmpty();

        return new CsrStructure(info, subject, subjectPublicKeyInfo, attributes, signatureAlgorithm, signature);
    }

    private static ReadOnlyMemory<byte> ReadEncoded(AsnReader reader, Asn1Tag expected, string field)
    {
        if (!reader.HasData)
        {
            throw Invalid($"The CSR's {field} is missing.");
        }

        Asn1Tag tag = reader.PeekTag();
        if (tag != expected)
        {
            throw Invalid($"The CSR's {field} has the wrong ASN.1 type.");
        }

        return reader.ReadEncodedValue();
    }

    private static PkiException Invalid(string message) => new(PkiErrorCode.InvalidCsr, message);
}
