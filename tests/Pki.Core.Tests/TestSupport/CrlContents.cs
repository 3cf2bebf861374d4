using System.Formats.Asn1;
using System.Numerics;

namespace Pki.Core.Tests.TestSupport;

/// <summary>A test-side reading of a DER CRL with the strict DER reader: number, delta base, and entries by serial.</summary>
public sealed record CrlContents(BigInteger Number, BigInteger? BaseNumber, DateTimeOffset ThisUpdate, DateTimeOffset? NextUpdate, IReadOnlyDictionary<string, CrlContents.Entry> Entries)
{
    public sealed record Entry(string Serial, DateTimeOffset RevokedAt, int? Reason, DateTimeOffset? InvalidityDate);

    public static CrlContents Read(ReadOnlyMemory<byte> der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var list = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var tbs = list.ReadSequence();
        Assert.Equal(1, (int)tbs.ReadInteger());
        tbs.ReadSequence();
        tbs.ReadSequence();
        var thisUpdate = ReadTime(tbs);
        DateTimeOffset? nextUpdate = tbs.HasData && IsTime(tbs.PeekTag()) ? ReadTime(tbs) : null;
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            var revoked = tbs.ReadSequence();
            while (revoked.HasData)
            {
                var entry = revoked.ReadSequence();
                string serial = SerialNumber.FromBytes(entry.ReadIntegerBytes().Span).ToString();
                var revokedAt = ReadTime(entry);
                int? reason = null;
                DateTimeOffset? invalidity = null;
                if (entry.HasData)
                {
                    foreach (var (oid, value) in ReadExtensions(entry.ReadSequence()))
                    {
                        var reader = new AsnReader(value, AsnEncodingRules.DER);
                        if (oid == "2.5.29.21")
                        {
                            reason = (int)reader.ReadEnumeratedValue<RevocationReason>();
                        }
                        else if (oid == "2.5.29.24")
                        {
                            invalidity = reader.ReadGeneralizedTime();
                        }
                    }
                }

                Assert.True(entries.TryAdd(serial, new Entry(serial, revokedAt, reason, invalidity)), $"Serial {serial} is listed twice.");
            }
        }

        BigInteger number = -1;
        BigInteger? baseNumber = null;
        var extensions = tbs.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)).ReadSequence();
        foreach (var (oid, value) in ReadExtensions(extensions))
        {
            if (oid == "2.5.29.20")
            {
                number = new AsnReader(value, AsnEncodingRules.DER).ReadInteger();
            }
            else if (oid == "2.5.29.27")
            {
                baseNumber = new AsnReader(value, AsnEncodingRules.DER).ReadInteger();
            }
        }

        tbs.ThrowIfNotEmpty();
        return new CrlContents(number, baseNumber, thisUpdate, nextUpdate, entries);
    }

    private static List<(string Oid, byte[] Value)> ReadExtensions(AsnReader extensions)
    {
        var result = new List<(string, byte[])>();
        while (extensions.HasData)
        {
            var extension = extensions.ReadSequence();
            string oid = extension.ReadObjectIdentifier();
            if (extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean))
            {
                Assert.True(extension.ReadBoolean(), "critical FALSE must be omitted in DER");
            }

            result.Add((oid, extension.ReadOctetString()));
            extension.ThrowIfNotEmpty();
        }

        return result;
    }

    private static bool IsTag(Asn1Tag tag, UniversalTagNumber number) => tag.HasSameClassAndValue(new Asn1Tag(number));

    private static bool IsTime(Asn1Tag tag) => IsTag(tag, UniversalTagNumber.UtcTime) || IsTag(tag, UniversalTagNumber.GeneralizedTime);

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        IsTag(reader.PeekTag(), UniversalTagNumber.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();
}
