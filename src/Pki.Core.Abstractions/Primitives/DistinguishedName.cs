using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Pki.Core;

/// <summary>
/// A structured X.500 distinguished name: an ordered list of attributes, each in its own relative distinguished
/// name, in ASN.1 order (most significant first, e.g. C, O, CN). Built from parts or parsed from an RFC 4514 string;
/// never concatenated from strings.
/// </summary>
/// <remarks>
/// Every value is checked when the name is created: no control characters (U+0000–U+001F, U+007F–U+009F), not
/// empty, within the RFC 5280 upper bounds, country exactly two letters; every attribute type is an OID that DER can
/// encode. Violations throw a
/// <see cref="PkiException"/> with <see cref="PkiErrorCode.InvalidName"/>. Multi-valued RDNs are flattened.
/// Comparison is by attribute type and exact value, in order; it does not apply RFC 4518 string preparation.
/// </remarks>
public sealed class DistinguishedName : IEquatable<DistinguishedName>
{
    private const int MaxAttributes = 64;
    private readonly DistinguishedNameComponent[] _attributes;

    private DistinguishedName(DistinguishedNameComponent[] attributes) => _attributes = attributes;

    /// <summary>The empty name (allowed as a subject only when a critical SAN extension carries the identity).</summary>
    public static DistinguishedName Empty { get; } = new([]);

    /// <summary>The attributes in ASN.1 order.</summary>
    public IReadOnlyList<DistinguishedNameComponent> Components => _attributes;

    /// <summary>The first commonName (CN), if any.</summary>
    public string? CommonName => Get(DistinguishedNameOids.CommonName);

    /// <summary>The countryName (C), if any.</summary>
    public string? Country => Get(DistinguishedNameOids.Country);

    /// <summary>The stateOrProvinceName (ST), if any.</summary>
    public string? State => Get(DistinguishedNameOids.State);

    /// <summary>The localityName (L), if any; called "location" by the client-certificate API.</summary>
    public string? Locality => Get(DistinguishedNameOids.Locality);

    /// <summary>The first organizationName (O), if any.</summary>
    public string? Organization => Get(DistinguishedNameOids.Organization);

    /// <summary>The first organizationalUnitName (OU), if any.</summary>
    public string? OrganizationalUnit => Get(DistinguishedNameOids.OrganizationalUnit);

    /// <summary>Creates a name from the usual parts, in the conventional order C, ST, L, O, OU, CN.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidName"/> when a value is not acceptable.</exception>
    public static DistinguishedName Create(
        string? commonName = null,
        string? organization = null,
        string? organizationalUnit = null,
        string? locality = null,
        string? state = null,
        string? country = null)
    {
        var attributes = new List<DistinguishedNameComponent>(6);
        Add(attributes, DistinguishedNameOids.Country, country);
        Add(attributes, DistinguishedNameOids.State, state);
        Add(attributes, DistinguishedNameOids.Locality, locality);
        Add(attributes, DistinguishedNameOids.Organization, organization);
        Add(attributes, DistinguishedNameOids.OrganizationalUnit, organizationalUnit);
        Add(attributes, DistinguishedNameOids.CommonName, commonName);
        return FromComponents(attributes);
    }

    /// <summary>Creates a name from attributes in ASN.1 order, validating every value.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidName"/> when a value is not acceptable.</exception>
    public static DistinguishedName FromComponents(IEnumerable<DistinguishedNameComponent> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        DistinguishedNameComponent[] array = [.. attributes];
        if (array.Length > MaxAttributes)
        {
            throw new PkiException(PkiErrorCode.InputTooLarge, $"A distinguished name may have at most {MaxAttributes} attributes.");
        }

        foreach (var attribute in array)
        {
            ArgumentNullException.ThrowIfNull(attribute);
            Validate(attribute);
        }

        return new DistinguishedName(array);
    }

    /// <summary>Parses an RFC 4514 string such as <c>CN=api.example.com,O=Acme Corp,C=US</c>.</summary>
    /// <remarks>
    /// The leftmost RDN is the most specific (it becomes the last in ASN.1 order). Escapes <c>\,</c>, <c>\+</c>,
    /// <c>\"</c>, <c>\\</c>, <c>\&lt;</c>, <c>\&gt;</c>, <c>\;</c>, <c>\=</c>, <c>\#</c>, <c>\ </c> and ASCII
    /// <c>\XX</c> are understood; hex-encoded values (<c>#04…</c>) are not.
    /// </remarks>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidName"/> when the text is not a valid name.</exception>
    public static DistinguishedName Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 4096)
        {
            throw new PkiException(PkiErrorCode.InputTooLarge, "A distinguished name may be at most 4096 characters long.");
        }

        return FromComponents(DistinguishedNameFormatter.Parse(text));
    }

    /// <summary>Returns the first value of the attribute with type <paramref name="oid"/>, or null.</summary>
    public string? Get(string oid)
    {
        foreach (var attribute in _attributes)
        {
            if (attribute.Oid == oid)
            {
                return attribute.Value;
            }
        }

        return null;
    }

    /// <summary>
    /// Returns a copy in which every attribute of type <paramref name="oid"/> is replaced by one with
    /// <paramref name="value"/> (kept at the position of the first one, or placed by convention), or removed
    /// when <paramref name="value"/> is null.
    /// </summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidName"/> when the value is not acceptable.</exception>
    public DistinguishedName With(string oid, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(oid);
        var result = new List<DistinguishedNameComponent>(_attributes.Length + 1);
        bool placed = value is null;
        foreach (var attribute in _attributes)
        {
            if (attribute.Oid != oid)
            {
                result.Add(attribute);
            }
            else if (!placed)
            {
                result.Add(new DistinguishedNameComponent(oid, value!));
                placed = true;
            }
        }

        if (!placed)
        {
            // New attributes go where convention puts them: CN last, country first, the rest before the CN.
            var added = new DistinguishedNameComponent(oid, value!);
            int commonNameIndex = result.FindIndex(a => a.Oid == DistinguishedNameOids.CommonName);
            if (oid == DistinguishedNameOids.Country)
            {
                result.Insert(0, added);
            }
            else if (oid == DistinguishedNameOids.CommonName || commonNameIndex < 0)
            {
                result.Add(added);
            }
            else
            {
                result.Insert(commonNameIndex, added);
            }
        }

        return FromComponents(result);
    }

    /// <summary>Encodes the name as DER (RFC 5280, section 4.1.2.4).</summary>
    public byte[] Encode()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        WriteTo(writer);
        return writer.Encode();
    }

    /// <summary>Converts to the .NET representation.</summary>
    public X500DistinguishedName ToX500DistinguishedName() => new(Encode());

    internal void WriteTo(AsnWriter writer)
    {
        using (writer.PushSequence())
        {
            foreach (var attribute in _attributes)
            {
                using (writer.PushSetOf())
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(attribute.Oid);
                    writer.WriteCharacterString(StringTypeOf(attribute.Oid), attribute.Value);
                }
            }
        }
    }

    /// <summary>dnQualifier, a PrintableString (RFC 5280 appendix A.1).</summary>
    private const string DnQualifier = "2.5.4.46";

    /// <summary>The ASN.1 string type Pki.Core encodes an attribute with (RFC 5280 recommends UTF8String).</summary>
    internal static UniversalTagNumber StringTypeOf(string oid) => oid switch
    {
        DistinguishedNameOids.Country or DistinguishedNameOids.SerialNumber or DnQualifier => UniversalTagNumber.PrintableString,
        DistinguishedNameOids.EmailAddress or DistinguishedNameOids.DomainComponent => UniversalTagNumber.IA5String,
        _ => UniversalTagNumber.UTF8String,
    };

    private static void Add(List<DistinguishedNameComponent> attributes, string oid, string? value)
    {
        if (value is not null)
        {
            attributes.Add(new DistinguishedNameComponent(oid, value));
        }
    }

    private static void Validate(DistinguishedNameComponent attribute)
    {
        if (!DistinguishedNameOids.IsObjectIdentifier(attribute.Oid))
        {
            throw new PkiException(PkiErrorCode.InvalidName, "An attribute type is not a dotted object identifier such as 2.5.4.3.");
        }

        string name = attribute.ShortName;
        string value = attribute.Value ?? throw new PkiException(PkiErrorCode.InvalidName, $"The value of {name} is missing.");
        if (value.Length == 0)
        {
            throw new PkiException(PkiErrorCode.InvalidName, $"The value of {name} is empty.");
        }

        int bound = DistinguishedNameOids.UpperBound(attribute.Oid);
        if (value.Length > bound)
        {
            throw new PkiException(PkiErrorCode.InvalidName, $"The value of {name} is longer than {bound} characters (RFC 5280, appendix A).");
        }

        if (value.Any(char.IsControl) || !StoreInputRules.IsStorable(value))
        {
            throw new PkiException(PkiErrorCode.InvalidName, $"The value of {name} contains a control character or an unpaired surrogate.");
        }

        switch (StringTypeOf(attribute.Oid))
        {
            case UniversalTagNumber.PrintableString when !IsPrintableString(value):
                throw new PkiException(PkiErrorCode.InvalidName, $"The value of {name} must be a PrintableString.");
            case UniversalTagNumber.IA5String when !System.Text.Ascii.IsValid(value):
                throw new PkiException(PkiErrorCode.InvalidName, $"The value of {name} must be ASCII (IA5String).");
        }

        if (attribute.Oid == DistinguishedNameOids.Country && !(value.Length == 2 && char.IsAsciiLetterUpper(value[0]) && char.IsAsciiLetterUpper(value[1])))
        {
            throw new PkiException(PkiErrorCode.InvalidName, "The country (C) must be a two-letter upper-case ISO 3166 code.");
        }
    }

    internal static bool IsPrintableString(string value)
    {
        foreach (char c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is ' ' or '\'' or '(' or ')' or '+' or ',' or '-' or '.' or '/' or ':' or '=' or '?'))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public bool Equals(DistinguishedName? other) =>
        other is not null && _attributes.AsSpan().SequenceEqual(other._attributes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as DistinguishedName);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var attribute in _attributes)
        {
            hash.Add(attribute);
        }

        return hash.ToHashCode();
    }

    /// <summary>The RFC 4514 string (most specific RDN first), e.g. <c>CN=api.example.com,O=Acme Corp,C=US</c>.</summary>
    public override string ToString() => string.Join(',', _attributes.Reverse().Select(a => a.ToString()));

    /// <summary>Compares two values by value.</summary>
    public static bool operator ==(DistinguishedName? left, DistinguishedName? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Compares two values by value.</summary>
    public static bool operator !=(DistinguishedName? left, DistinguishedName? right) => !(left == right);
}
