using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace Pki.Core.Storage.InMemory;

/// <summary>
/// Writes the fields of a packed record into a pooled buffer: numbers as fixed-size little-endian values, counts and
/// lengths as variable-length integers, strings as UTF-8 behind a length prefix that also marks null. A string that
/// is not valid UTF-16 (an unpaired surrogate has no UTF-8 form) is kept as its UTF-16 code units, so that every
/// string round-trips. <see cref="PackedReader"/> reads what this writes; <see cref="Dispose"/> returns the buffer.
/// </summary>
internal ref struct PackedWriter
{
    private byte[] _buffer;
    private int _length;

    /// <summary>A writer whose buffer holds at least <paramref name="capacity"/> bytes before it grows.</summary>
    public PackedWriter(int capacity) => _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 256));

    /// <summary>What has been written, as a new array of exactly that length.</summary>
    public readonly byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    public void WriteBoolean(bool value) => Take(1)[0] = value ? (byte)1 : (byte)0;

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Take(sizeof(int)), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(sizeof(long)), value);

    public void WriteNullableInt32(int? value)
    {
        WriteBoolean(value.HasValue);
        if (value is int number)
        {
            WriteInt32(number);
        }
    }

    /// <summary>The clock ticks and the offset in minutes, so that the offset round-trips too (equality ignores it).</summary>
    public void WriteDateTimeOffset(DateTimeOffset value)
    {
        WriteInt64(value.Ticks);
        BinaryPrimitives.WriteInt16LittleEndian(Take(sizeof(short)), checked((short)value.TotalOffsetMinutes));
    }

    public void WriteNullableDateTimeOffset(DateTimeOffset? value)
    {
        WriteBoolean(value.HasValue);
        if (value is DateTimeOffset instant)
        {
            WriteDateTimeOffset(instant);
        }
    }

    /// <summary>A non-negative number that is usually small (a sequence number), in as few bytes as it needs.</summary>
    public void WriteCompact(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        WriteVariableLength((ulong)value);
    }

    /// <summary>A non-negative count (of list items, of bytes).</summary>
    public void WriteCount(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        WriteVariableLength((ulong)count);
    }

    /// <summary>The length, then the bytes.</summary>
    public void WriteBytes(scoped ReadOnlySpan<byte> value)
    {
        WriteCount(value.Length);
        value.CopyTo(Take(value.Length));
    }

    /// <summary>A header (0 for null, else 1 + the byte length shifted left once, with the low bit set for UTF-16), then the bytes.</summary>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteVariableLength(0);
            return;
        }

        int start = _length;
        int byteCount = Encoding.UTF8.GetByteCount(value);
        WriteVariableLength(StringHeader(byteCount, utf16: false));
        if (Utf8.FromUtf16(value, Take(byteCount), out _, out _, replaceInvalidSequences: false) != OperationStatus.Done)
        {
            _length = start;
            ReadOnlySpan<byte> codeUnits = MemoryMarshal.AsBytes(value.AsSpan());
            WriteVariableLength(StringHeader(codeUnits.Length, utf16: true));
            codeUnits.CopyTo(Take(codeUnits.Length));
        }
    }

    /// <summary>Returns the buffer to the pool; the writer is unusable afterwards.</summary>
    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ulong StringHeader(int byteCount, bool utf16) => ((ulong)byteCount << 1 | (utf16 ? 1UL : 0UL)) + 1;

    private void WriteVariableLength(ulong value)
    {
        while (value >= 0x80)
        {
            Take(1)[0] = (byte)(value | 0x80);
            value >>= 7;
        }

        Take(1)[0] = (byte)value;
    }

    /// <summary>The next <paramref name="count"/> bytes of the buffer, grown when needed; they count as written.</summary>
    private Span<byte> Take(int count)
    {
        if (_buffer.Length - _length < count)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + count));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
