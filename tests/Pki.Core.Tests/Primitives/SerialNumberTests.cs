using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Pki.Core.Issuance;

namespace Pki.Core.Tests.Primitives;

public sealed class SerialNumberTests
{
    [Property(MaxTest = 2000)]
    public Property Generated_serials_are_positive_minimal_and_at_most_20_octets()
    {
        var serial = SerialNumberGenerator.Next();
        var bytes = serial.Bytes;
        bool positive = bytes[0] < 0x80 && bytes.IndexOfAnyExcept((byte)0) >= 0;
        bool minimal = bytes.Length == 1 || !(bytes[0] == 0 && bytes[1] < 0x80);
        return (positive && minimal && bytes.Length <= 20 && bytes.Length <= 17).ToProperty();
    }

    [Fact]
    public void Generated_serials_carry_128_random_bits_and_do_not_repeat()
    {
        var serials = Enumerable.Range(0, 20_000).Select(_ => SerialNumberGenerator.Next()).ToList();

        Assert.Equal(serials.Count, serials.Distinct().Count());
        // 128 random bits: the value is below 2^128 and most serials use the full 16 or 17 octets.
        Assert.All(serials, s => Assert.True(s.Bytes.Length <= 17 && (s.Bytes.Length < 17 || s.Bytes[0] == 0)));
        Assert.True(serials.Count(s => s.Bytes.Length >= 16) > serials.Count * 0.99);
        // Every bit position of the 128 is seen set and unset.
        for (int bit = 0; bit < 128; bit++)
        {
            int set = serials.Count(s => Bit(s, bit));
            Assert.InRange(set, serials.Count / 3, serials.Count * 2 / 3);
        }
    }

    [Property]
    public Property Hex_form_round_trips(PositiveInt seed)
    {
        var serial = SerialNumberGenerator.Next();
        return (SerialNumber.Parse(serial.ToString()) == serial && SerialNumber.Parse(serial.ToString().ToUpperInvariant()) == serial).ToProperty();
    }

    [Theory]
    [InlineData("")]
    [InlineData("zz")]
    [InlineData("00")]
    [InlineData("0102030405060708090a0b0c0d0e0f101112131415")]
    public void Invalid_hex_is_refused(string hex) =>
        Assert.Equal(PkiErrorCode.InvalidRequest, Assert.Throws<PkiException>(() => SerialNumber.Parse(hex)).Code);

    [Fact]
    public void FromBytes_refuses_negative_and_non_minimal_values()
    {
        Assert.Throws<ArgumentException>(() => SerialNumber.FromBytes([0x80]));
        Assert.Throws<ArgumentException>(() => SerialNumber.FromBytes([0x00, 0x01]));
        Assert.Throws<ArgumentException>(() => SerialNumber.FromBytes([0x00]));
        Assert.Equal("0080", Convert.ToHexStringLower(SerialNumber.FromBytes([0x00, 0x80]).Bytes));
    }

    private static bool Bit(SerialNumber serial, int bit)
    {
        var bytes = serial.Bytes;
        var value = new byte[16];
        bytes[^Math.Min(16, bytes.Length)..].CopyTo(value.AsSpan(16 - Math.Min(16, bytes.Length)));
        return (value[15 - bit / 8] & (1 << (bit % 8))) != 0;
    }
}
