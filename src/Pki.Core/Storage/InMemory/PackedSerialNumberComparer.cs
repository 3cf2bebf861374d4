namespace Pki.Core.Storage.InMemory;

/// <summary>
/// Compares packed certificates by issuing CA and serial number (read in place from the packed fields), and lets a
/// set of them be searched by a CA id and a <see cref="SerialNumber"/>, so that the index holds no key of its own.
/// </summary>
internal sealed class PackedSerialNumberComparer :
    IEqualityComparer<PackedCertificate>,
    IAlternateEqualityComparer<(string AuthorityId, SerialNumber SerialNumber), PackedCertificate>
{
    public static PackedSerialNumberComparer Instance { get; } = new();

    private PackedSerialNumberComparer()
    {
    }

    public bool Equals(PackedCertificate? x, PackedCertificate? y) =>
        ReferenceEquals(x, y)
        || x is not null && y is not null && x.Authority.Id == y.Authority.Id && x.SerialNumberBytes.SequenceEqual(y.SerialNumberBytes);

    public int GetHashCode(PackedCertificate obj) => Hash(obj.Authority.Id, obj.SerialNumberBytes);

    public bool Equals((string AuthorityId, SerialNumber SerialNumber) alternate, PackedCertificate other) =>
        alternate.AuthorityId == other.Authority.Id && alternate.SerialNumber.Bytes.SequenceEqual(other.SerialNumberBytes);

    public int GetHashCode((string AuthorityId, SerialNumber SerialNumber) alternate) => Hash(alternate.AuthorityId, alternate.SerialNumber.Bytes);

    /// <exception cref="NotSupportedException">Always: the set is searched by serial number, never added to by it.</exception>
    public PackedCertificate Create((string AuthorityId, SerialNumber SerialNumber) alternate) =>
        throw new NotSupportedException("Packed certificates are added whole, not made from a serial number.");

    private static int Hash(string authorityId, ReadOnlySpan<byte> serialNumber)
    {
        var hash = new HashCode();
        hash.Add(authorityId, StringComparer.Ordinal);
        hash.AddBytes(serialNumber);
        return hash.ToHashCode();
    }
}
