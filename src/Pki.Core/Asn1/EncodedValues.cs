using System.Formats.Asn1;

namespace Pki.Core.Asn1;

/// <summary>
/// Pre-encoded DER values kept side by side (for example the Extension TLVs a profile adds to every certificate), so the
/// hot path copies them instead of encoding them again.
/// </summary>
internal sealed class EncodedValues
{
    private readonly byte[][] _values;

    private EncodedValues(byte[][] values) => _values = values;

    /// <summary>Captures every value written by <paramref name="writer"/>.</summary>
    public static EncodedValues From(AsnWriter writer)
    {
        var reader = new AsnReader(writer.Encode(), AsnEncodingRules.DER);
        var values = new List<byte[]>();
        while (reader.HasData)
        {
            values.Add(reader.ReadEncodedValue().ToArray());
        }

        return new EncodedValues([.. values]);
    }

    public void WriteTo(AsnWriter writer)
    {
        foreach (byte[] value in _values)
        {
            writer.WriteEncodedValue(value);
        }
    }
}
