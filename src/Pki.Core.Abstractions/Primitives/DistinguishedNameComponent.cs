namespace Pki.Core;

/// <summary>One attribute of a distinguished name: an attribute type (an OID) and its value.</summary>
/// <param name="Oid">The attribute type, for example <c>2.5.4.3</c> for commonName.</param>
/// <param name="Value">The attribute value as text.</param>
public sealed record DistinguishedNameComponent(string Oid, string Value)
{
    /// <summary>The RFC 4514 short name (<c>CN</c>, <c>O</c> …) or the dotted OID when there is none.</summary>
    public string ShortName => DistinguishedNameOids.ShortNameOf(Oid);

    /// <inheritdoc />
    public override string ToString() => ShortName + "=" + DistinguishedNameFormatter.Escape(Value);
}
