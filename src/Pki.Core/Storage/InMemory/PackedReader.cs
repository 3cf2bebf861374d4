using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Pki.Core.Storage.InMemory;

/// <summary>
/// Reads, in order, the fields a <see cref="PackedWriter"/> wrote. Only what this process packed is read, so the
/// input is trusted: a malformed buffer fails with an exception, not with a careful error.
/// </summary>
internal ref struct PackedReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public PackedReader(ReadOnlySpan<byte> data) => _data = data;

    public bool ReadBoolean() => Take(1)[0] != 0;

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(sizeof(int)));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(sizeof(long)));

    public int? ReadNullableInt32() => ReadBoolean() ? ReadInt32() : null;

    public DateTimeOffset ReadDateTimeOffset()
    {
        long ticks = ReadInt64();
        short offsetMinutes = BinaryPrimitives.ReadInt16LittleEndian(Take(sizeof(short)));
        return new DateTimeOffset(ticks, TimeSpan.FromMinutes(offsetMinutes));
    }

    public DateTimeOffset? ReadNullableDateTimeOffset() => ReadBoolean() ? ReadDateTimeOffset() : null;

    public int ReadCount() => checked((int)ReadVariableLength());

    /// <summary>What <see cref="PackedWriter.WriteCompact"/> wrote.</summary>
    public long ReadCompact() => checked((long)ReadVariableLength());

    /// <summary>The bytes <see cref="PackedWriter.WriteBytes"/> wrote, as a view of the packed buffer (no copy).</summary>
    public ReadOnlySpan<byte> ReadBytes() => Take(ReadCount());

    public string? ReadString()
    {
        ReadOnlySpan<byte> bytes = ReadStringBytes(out bool isNull, out bool utf16);
        if (isNull)
        {
            return null;
        }

        return utf16 ? new string(MemoryMarshal.Cast<byte, char>(bytes)) : Encoding.UTF8.GetString(bytes);
    }

    public void SkipString() => ReadStringBytes(out _, out _);

    /// <summary>Reads the next string and compares it with <paramref name="other"/> as a fingerprint filter does
    /// (<see cref="CertificateQuery.FingerprintEquals"/>), without a copy when both are ASCII.</summary>
    public bool ReadFingerprintEquals(string other)
    {
        ReadOnlySpan<byte> bytes = ReadStringBytes(out bool isNull, out bool utf16);
        if (isNull)
        {
            return false;
        }

        if (!utf16 && Ascii.IsValid(bytes) && Ascii.IsValid(other))
        {
            return Ascii.EqualsIgnoreCase(bytes, other);
        }

        string value = utf16 ? new string(MemoryMarshal.Cast<byte, char>(bytes)) : Encoding.UTF8.GetString(bytes);
        return CertificateQuery.FingerprintEquals(value, other);
    }

    private ReadOnlySpan<byte> ReadStringBytes(out bool isNull, out bool utf16)
    {
        ulong header = ReadVariableLength();
        isNull = header == 0;
        ulong lengthAndFlag = header - 1; // the header is 0 for null, else 1 + (length << 1 | utf16)
        utf16 = !isNull && (lengthAndFlag & 1) == 1;
        return isNull ? default : Take(checked((int)(lengthAndFlag >> 1)));
    }

    private ulong ReadVariableLength()
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte next = Take(1)[0];
            value |= (ulong)(next & 0x7F) << shift;
            if (next < 0x80)
            {
                return value;
            }
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }
}
