using System.Net;
using System.Net.Sockets;

namespace Pki.Core.Storage.InMemory;

/// <summary>
/// Packs a <see cref="CertificateRecord"/> into a <see cref="PackedCertificate"/> and unpacks it, exactly: every field,
/// null and empty strings, non-ASCII text, the offsets of dates, IPv6 scope ids, relative and absolute URIs.
/// </summary>
/// <remarks>
/// The packed fields, in order: serial number, fingerprint, the revocation details (reason, revoked at, invalidity
/// date, status changed at, the change's sequence number, comment), then the rest. What <see cref="CertificateQuery"/> filters on and what a CRL
/// lists come first so that they are read without unpacking the rest. Id, CA, owner, key id, status, type and expiry
/// are columns of <see cref="PackedCertificate"/>, not packed.
/// </remarks>
internal static class CertificateRecordPacker
{
    /// <summary>Packs <paramref name="record"/> with its own CA summary and owner string (the store shares them instead).</summary>
    public static PackedCertificate Pack(CertificateRecord record) =>
        new(record, record.CertificateAuthority, record.OwnerOrganization, PackFields(record));

    /// <summary>Packs <paramref name="updated"/>, a changed copy of <paramref name="current"/>'s record, keeping its shared
    /// references, with the sequence number of its status change.</summary>
    public static PackedCertificate Repack(PackedCertificate current, CertificateRecord updated, long changeSequence) =>
        new(updated, current.Authority, current.OwnerOrganization, PackFields(updated, changeSequence));

    /// <summary>The fields of <paramref name="record"/> that are not columns of <see cref="PackedCertificate"/>.</summary>
    /// <exception cref="ArgumentException">A required member is null despite its contract (<see cref="CertificateRecordRules.ThrowIfIncomplete"/>).</exception>
    public static byte[] PackFields(CertificateRecord record, long changeSequence = 0)
    {
        CertificateRecordRules.ThrowIfIncomplete(record);

        var writer = new PackedWriter((record.CertificatePem?.Length ?? 0) + (record.Csr?.Length ?? 0) + 512);
        try
        {
            writer.WriteBytes(record.SerialNumber.Bytes);
            writer.WriteString(record.FingerprintSha256);
            writer.WriteNullableInt32((int?)record.RevocationReason);
            writer.WriteNullableDateTimeOffset(record.RevokedAt);
            writer.WriteNullableDateTimeOffset(record.InvalidityDate);
            writer.WriteNullableDateTimeOffset(record.StatusChangedAt);
            writer.WriteCompact(changeSequence);
            writer.WriteString(record.RevocationComment);
            writer.WriteString(record.CertificatePem);
            WriteName(ref writer, record.Subject);
            WriteAlternativeNames(ref writer, record.SubjectAlternativeNames);
            writer.WriteString(record.Csr);
            writer.WriteDateTimeOffset(record.IssuedOn);
            writer.WriteInt32(record.ValidityDays);
            writer.WriteString(record.SubjectKeyIdentifier);
            writer.WriteString(record.SignatureAlgorithm);
            writer.WriteString(record.Profile);
            writer.WriteString(record.PublicKeyAlgorithm);
            writer.WriteInt32(record.PublicKeySize);
            writer.WriteString(record.TokenId);
            writer.WriteString(record.Name);
            return writer.ToArray();
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>The record <paramref name="packed"/> was packed from, as a new object graph.</summary>
    public static CertificateRecord Unpack(PackedCertificate packed)
    {
        ArgumentNullException.ThrowIfNull(packed);
        var reader = new PackedReader(packed.Fields);
        var serialNumber = ReadSerialNumber(ref reader);
        string? fingerprint = reader.ReadString();
        var reason = (RevocationReason?)reader.ReadNullableInt32();
        var revokedAt = reader.ReadNullableDateTimeOffset();
        var invalidityDate = reader.ReadNullableDateTimeOffset();
        var statusChangedAt = reader.ReadNullableDateTimeOffset();
        reader.ReadCompact(); // the change's sequence number: not part of the record
        string? comment = reader.ReadString();
        return new CertificateRecord // initializers run in order: the rest is read as PackFields wrote it
        {
            Id = packed.Id,
            CertificateAuthority = packed.Authority,
            OwnerOrganization = packed.OwnerOrganization,
            PrivateKeyId = packed.PrivateKeyId,
            Status = packed.Status,
            Type = packed.Type,
            ExpiresOn = packed.ExpiresOn,
            SerialNumber = serialNumber,
            FingerprintSha256 = fingerprint!,
            RevocationReason = reason,
            RevokedAt = revokedAt,
            InvalidityDate = invalidityDate,
            StatusChangedAt = statusChangedAt,
            RevocationComment = comment,
            CertificatePem = reader.ReadString()!,
            Subject = ReadName(ref reader),
            SubjectAlternativeNames = ReadAlternativeNames(ref reader),
            Csr = reader.ReadString(),
            IssuedOn = reader.ReadDateTimeOffset(),
            ValidityDays = reader.ReadInt32(),
            SubjectKeyIdentifier = reader.ReadString()!,
            SignatureAlgorithm = reader.ReadString()!,
            Profile = reader.ReadString()!,
            PublicKeyAlgorithm = reader.ReadString()!,
            PublicKeySize = reader.ReadInt32(),
            TokenId = reader.ReadString(),
            Name = reader.ReadString(),
        };
    }

    /// <summary>The revocation entry of <paramref name="packed"/>, read without unpacking the rest.</summary>
    public static RevocationEntry ReadRevocationEntry(PackedCertificate packed)
    {
        var reader = new PackedReader(packed.Fields);
        var serialNumber = ReadSerialNumber(ref reader);
        reader.SkipString(); // fingerprint
        var reason = (RevocationReason?)reader.ReadNullableInt32();
        var revokedAt = reader.ReadNullableDateTimeOffset();
        var invalidityDate = reader.ReadNullableDateTimeOffset();
        var statusChangedAt = reader.ReadNullableDateTimeOffset();
        long changeSequence = reader.ReadCompact();
        return new RevocationEntry(packed.Id, serialNumber, packed.Status, reason, revokedAt, invalidityDate, packed.ExpiresOn, statusChangedAt, changeSequence);
    }

    /// <summary>True when the fingerprint of <paramref name="packed"/> matches the filter <paramref name="fingerprint"/> (<see cref="CertificateQuery.FingerprintEquals"/>).</summary>
    public static bool FingerprintEquals(PackedCertificate packed, string fingerprint)
    {
        var reader = new PackedReader(packed.Fields);
        reader.ReadBytes(); // serial number
        return reader.ReadFingerprintEquals(fingerprint);
    }

    private static SerialNumber ReadSerialNumber(ref PackedReader reader)
    {
        ReadOnlySpan<byte> bytes = reader.ReadBytes();
        return bytes.IsEmpty ? default : SerialNumber.FromBytes(bytes);
    }

    private static void WriteName(ref PackedWriter writer, DistinguishedName name)
    {
        var components = name.Components;
        writer.WriteCount(components.Count);
        for (int i = 0; i < components.Count; i++)
        {
            writer.WriteString(components[i].Oid);
            writer.WriteString(components[i].Value);
        }
    }

    private static DistinguishedName ReadName(ref PackedReader reader)
    {
        int count = reader.ReadCount();
        if (count == 0)
        {
            return DistinguishedName.Empty;
        }

        var components = new DistinguishedNameComponent[count];
        for (int i = 0; i < count; i++)
        {
            components[i] = new DistinguishedNameComponent(reader.ReadString()!, reader.ReadString()!);
        }

        return DistinguishedName.FromComponents(components);
    }

    private static void WriteAlternativeNames(ref PackedWriter writer, SubjectAlternativeNames names)
    {
        WriteStrings(ref writer, names.DnsNames);
        writer.WriteCount(names.IpAddresses.Count);
        for (int i = 0; i < names.IpAddresses.Count; i++)
        {
            WriteAddress(ref writer, names.IpAddresses[i]);
        }

        WriteStrings(ref writer, names.EmailAddresses);
        writer.WriteCount(names.Uris.Count);
        for (int i = 0; i < names.Uris.Count; i++)
        {
            writer.WriteBoolean(names.Uris[i].IsAbsoluteUri);
            writer.WriteString(names.Uris[i].OriginalString);
        }
    }

    private static SubjectAlternativeNames ReadAlternativeNames(ref PackedReader reader)
    {
        string[] dnsNames = ReadStrings(ref reader);
        var addresses = new IPAddress[reader.ReadCount()];
        for (int i = 0; i < addresses.Length; i++)
        {
            addresses[i] = ReadAddress(ref reader);
        }

        string[] emailAddresses = ReadStrings(ref reader);
        var uris = new Uri[reader.ReadCount()];
        for (int i = 0; i < uris.Length; i++)
        {
            bool absolute = reader.ReadBoolean();
            uris[i] = new Uri(reader.ReadString()!, absolute ? UriKind.Absolute : UriKind.Relative);
        }

        // Null for an empty list: the constructor copies each list given, but makes nothing for an absent one.
        return dnsNames.Length + addresses.Length + emailAddresses.Length + uris.Length == 0
            ? SubjectAlternativeNames.None
            : new SubjectAlternativeNames(NullIfEmpty(dnsNames), NullIfEmpty(addresses), NullIfEmpty(emailAddresses), NullIfEmpty(uris));
    }

    private static T[]? NullIfEmpty<T>(T[] values) => values.Length == 0 ? null : values;

    /// <summary>The address bytes (4 or 16), then for IPv6 the scope id.</summary>
    private static void WriteAddress(ref PackedWriter writer, IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out int written))
        {
            throw new InvalidOperationException($"The address {address} does not fit in 16 bytes.");
        }

        writer.WriteBytes(bytes[..written]);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            writer.WriteInt64(address.ScopeId);
        }
    }

    private static IPAddress ReadAddress(ref PackedReader reader)
    {
        ReadOnlySpan<byte> bytes = reader.ReadBytes();
        return bytes.Length == 16 ? new IPAddress(bytes, reader.ReadInt64()) : new IPAddress(bytes);
    }

    private static void WriteStrings(ref PackedWriter writer, IReadOnlyList<string> values)
    {
        writer.WriteCount(values.Count);
        for (int i = 0; i < values.Count; i++)
        {
            writer.WriteString(values[i]);
        }
    }

    private static string[] ReadStrings(ref PackedReader reader)
    {
        var values = new string[reader.ReadCount()];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = reader.ReadString()!;
        }

        return values;
    }
}
