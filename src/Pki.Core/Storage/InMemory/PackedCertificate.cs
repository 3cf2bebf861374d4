namespace Pki.Core.Storage.InMemory;

/// <summary>
/// A <see cref="CertificateRecord"/> as the <see cref="InMemoryCertificateStore"/> keeps it: the columns queries and
/// tidy read, and every other field in one reference-free byte array the garbage collector never scans
/// (<see cref="CertificateRecordPacker"/> writes and reads it). Immutable: a status change packs a new one.
/// </summary>
/// <remarks>
/// <see cref="Authority"/> and <see cref="OwnerOrganization"/> are shared by the store among all its records with
/// equal values; <see cref="PrivateKeyId"/> is the same string the store counts key references with.
/// </remarks>
internal sealed class PackedCertificate
{
    /// <summary>Takes the columns from <paramref name="record"/>, except the shared references given.</summary>
    /// <param name="record">The record <paramref name="fields"/> were packed from.</param>
    /// <param name="authority">A summary equal to the record's CA, shared with other records of the store.</param>
    /// <param name="ownerOrganization">A string equal to the record's owner, shared with other records of the store.</param>
    /// <param name="fields">What <see cref="CertificateRecordPacker.PackFields"/> made of <paramref name="record"/>.</param>
    public PackedCertificate(CertificateRecord record, AuthoritySummary authority, string? ownerOrganization, byte[] fields)
    {
        Id = record.Id;
        Authority = authority;
        OwnerOrganization = ownerOrganization;
        PrivateKeyId = record.PrivateKeyId;
        Status = record.Status;
        Type = record.Type;
        ExpiresOn = record.ExpiresOn;
        Fields = fields;
    }

    public string Id { get; }

    public AuthoritySummary Authority { get; }

    public string? OwnerOrganization { get; }

    public string? PrivateKeyId { get; }

    public CertificateStatus Status { get; }

    public CertificateType Type { get; }

    public DateTimeOffset ExpiresOn { get; }

    /// <summary>The other fields, packed; the serial number comes first.</summary>
    public byte[] Fields { get; }

    /// <summary>The serial number's DER contents octets, read in place.</summary>
    public ReadOnlySpan<byte> SerialNumberBytes => new PackedReader(Fields).ReadBytes();

    /// <summary>
    /// What <see cref="CertificateQuery.Matches"/> answers for the unpacked record, paging aside; only the fingerprint
    /// filter reads the packed fields, without copying them when the fingerprint is ASCII.
    /// </summary>
    /// <remarks>Restates <see cref="CertificateQuery.Matches"/>: a filter added there must be added here (a test lists them).</remarks>
    public bool Matches(CertificateQuery query) =>
        (query.AuthorityId is null || Authority.Id == query.AuthorityId)
        && (query.Organization is null || OwnerOrganization == query.Organization)
        && (query.Status is null || Status == query.Status)
        && (query.Type is null || Type == query.Type)
        && (query.ExpiresOnOrAfter is null || ExpiresOn >= query.ExpiresOnOrAfter)
        && (query.ExpiresBefore is null || ExpiresOn < query.ExpiresBefore)
        && (query.SerialNumber is not SerialNumber serial || SerialNumberBytes.SequenceEqual(serial.Bytes))
        && (query.FingerprintSha256 is null || CertificateRecordPacker.FingerprintEquals(this, query.FingerprintSha256));
}
