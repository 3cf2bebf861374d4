using System.Formats.Asn1;
using System.Net;

namespace Pki.Core.Asn1;

/// <summary>Writes GeneralName choices (RFC 5280 section 4.2.1.6) with their implicit context tags.</summary>
internal static class GeneralNameWriter
{
    private static readonly Asn1Tag Rfc822Name = new(TagClass.ContextSpecific, 1);
    private static readonly Asn1Tag DnsName = new(TagClass.ContextSpecific, 2);
    private static readonly Asn1Tag UniformResourceIdentifier = new(TagClass.ContextSpecific, 6);
    private static readonly Asn1Tag IPAddressTag = new(TagClass.ContextSpecific, 7);

    public static void WriteDns(AsnWriter writer, string name) => writer.WriteCharacterString(UniversalTagNumber.IA5String, name, DnsName);

    public static void WriteEmail(AsnWriter writer, string address) => writer.WriteCharacterString(UniversalTagNumber.IA5String, address, Rfc822Name);

    public static void WriteUri(AsnWriter writer, Uri uri) => writer.WriteCharacterString(UniversalTagNumber.IA5String, uri.OriginalString, UniformResourceIdentifier);

    public static void WriteIp(AsnWriter writer, IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out int written);
        writer.WriteOctetString(bytes[..written], IPAddressTag);
    }

    /// <summary>An IP subtree for name constraints: the address followed by the mask (RFC 5280 section 4.2.1.10).</summary>
    public static void WriteIpRange(AsnWriter writer, IPNetwork network)
    {
        Span<byte> bytes = stackalloc byte[32];
        network.BaseAddress.TryWriteBytes(bytes, out int length);
        var mask = bytes.Slice(length, length);
        mask.Clear();
        for (int bit = 0; bit < network.PrefixLength; bit++)
        {
            mask[bit / 8] |= (byte)(0x80 >> (bit % 8));
        }

        writer.WriteOctetString(bytes[..(2 * length)], IPAddressTag);
    }

    public static void WriteAll(AsnWriter writer, SubjectAlternativeNames names)
    {
        foreach (string name in names.DnsNames)
        {
            WriteDns(writer, name);
        }

        foreach (var address in names.IpAddresses)
        {
            WriteIp(writer, address);
        }

        foreach (string email in names.EmailAddresses)
        {
            WriteEmail(writer, email);
        }

        foreach (var uri in names.Uris)
        {
            WriteUri(writer, uri);
        }
    }
}
