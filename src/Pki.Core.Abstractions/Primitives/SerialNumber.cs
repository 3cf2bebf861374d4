namespace Pki.Core;

/// <summary>
/// A certificate serial number: a positive integer of at most 20 octets in minimal DER form (RFC 5280, section 4.1.2.2).
/// </summary>
public readonly struct SerialNumber : IEquatable<SerialNumber>
{
    /// <summary>The largest serial number RFC 5280 allows, in octets.</summary>
    public const int MaxLength = 20;

    private readonly byte[]? _bytes;

    private SerialNumber(byte[] bytes) => _bytes = bytes;

    /// <summary>The DER contents octets of the INTEGER (big-endian, minimal, positive).</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>True for the default value, which is not a valid serial number.</summary>
    public bool IsEmpty => _bytes is null || _bytes.Length == 0;

    /// <summary>Creates a serial number from the contents octets of a DER INTEGER.</summary>
    /// <exception cref="ArgumentException">The bytes are empty, negative, longer than 20 octets, zero or not minimally encoded.</exception>
    public static SerialNumber FromBytes(ReadOnlySpan<byte> derContents)
    {
        if (!IsValid(derContents))
        {
            throw new ArgumentException("A serial number must be a positive, minimally encoded integer of at most 20 octets.", nameof(derContents));
        }

        return new SerialNumber(derContents.ToArray());
    }

    /// <summary>Parses the lower- or upper-case hexadecimal form written by <see cref="ToString"/>.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> when the text is not a valid serial number.</exception>
    public static SerialNumber Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(hex.Length % 2 == 1 ? "0" + hex : hex);
        }
        catch (FormatException)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, "A serial number must be written in hexadecimal.");
        }

        if (bytes.Length > 0 && bytes[0] >= 0x80)
        {
            bytes = [0, .. bytes];
        }

        int skip = 0;
        while (bytes.Length - skip > 1 && bytes[skip] == 0 && bytes[skip + 1] < 0x80)
        {
            skip++;
        }

        byte[] minimal = bytes[skip..];
        if (!IsValid(minimal))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, "A serial number must be a positive integer of at most 20 octets.");
        }

        return new SerialNumber(minimal);
    }

    internal static bool IsValid(ReadOnlySpan<byte> contents)
    {
        if (contents.IsEmpty || contents.Length > MaxLength || contents[0] >= 0x80)
        {
            return false;
        }

        if (contents.Length > 1 && contents[0] == 0 && contents[1] < 0x80)
        {
            return false;
        }

        return contents.IndexOfAnyExcept((byte)0) >= 0;
    }

    /// <inheritdoc />
    public bool Equals(SerialNumber other) => Bytes.SequenceEqual(other.Bytes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SerialNumber other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Bytes);
        return hash.ToHashCode();
    }

    /// <summary>The serial number as lower-case hexadecimal, without leading zero octets (as in seed APIs).</summary>
    public override string ToString()
    {
        ReadOnlySpan<byte> bytes = Bytes;
        if (bytes.Length > 1 && bytes[0] == 0)
        {
            bytes = bytes[1..];
        }

        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>Compares two serial numbers by value.</summary>
    public static bool operator ==(SerialNumber left, SerialNumber right) => left.Equals(right);

    /// <summary>Compares two serial numbers by value.</summary>
    public static bool operator !=(SerialNumber left, SerialNumber right) => !left.Equals(right);
}
