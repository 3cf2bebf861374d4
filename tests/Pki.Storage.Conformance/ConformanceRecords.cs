using System.Net;
using System.Security.Cryptography;
using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>
/// Builds valid sample records for store tests: every field filled, random ids and serial numbers, dates on whole
/// seconds in UTC. Customise a record with <c>with { … }</c>.
/// </summary>
public static class ConformanceRecords
{
    /// <summary>A fixed instant the sample dates are taken from (whole seconds, UTC).</summary>
    public static DateTimeOffset BaseTime { get; } = new(2025, 1, 15, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A new record id: a UUIDv7 as 32 lower-case hex characters, as the engine makes them.</summary>
    public static string NewId() => Guid.CreateVersion7().ToString("N");

    /// <summary>A new id of 32 uniformly random lower-case hex characters, so that new ids sort anywhere among old ones.</summary>
    public static string NewScatteredId() => RandomNumberGenerator.GetHexString(32, lowercase: true);

    /// <summary>
    /// A random serial number of 9 to 20 octets (at least 64 random bits, so thousands never collide) in minimal
    /// positive DER form; about half of them need a leading zero octet, so that stores which mangle it are caught.
    /// </summary>
    public static SerialNumber NewSerialNumber()
    {
        int length = RandomNumberGenerator.GetInt32(9, SerialNumber.MaxLength + 1);
        byte[] bytes = RandomNumberGenerator.GetBytes(length);
        if (bytes[0] >= 0x80)
        {
            bytes = length < SerialNumber.MaxLength ? [0, .. bytes] : [(byte)(bytes[0] & 0x7F), .. bytes[1..]];
        }

        int skip = 0;
        while (bytes.Length - skip > 1 && bytes[skip] == 0 && bytes[skip + 1] < 0x80)
        {
            skip++;
        }

        bytes = bytes[skip..];
        if (bytes is [0])
        {
            bytes = [1];
        }

        return SerialNumber.FromBytes(bytes);
    }

    /// <summary>A new CA reference as it appears on the certificates it issues.</summary>
    public static AuthoritySummary NewAuthoritySummary() => new(NewId(), "Issuing CA " + RandomNumberGenerator.GetHexString(8, lowercase: true));

    /// <summary>A certificate record with every field set, issued by <paramref name="authority"/>.</summary>
    /// <param name="authority">The issuing CA.</param>
    /// <param name="id">The id, or null for <see cref="NewId"/>.</param>
    /// <param name="serialNumber">The serial number, or null for <see cref="NewSerialNumber"/>.</param>
    /// <param name="ownerOrganization">The owning organization.</param>
    public static CertificateRecord Certificate(
        AuthoritySummary authority,
        string? id = null,
        SerialNumber? serialNumber = null,
        string? ownerOrganization = "Acme Corp")
    {
        ArgumentNullException.ThrowIfNull(authority);
        string host = "svc-" + RandomNumberGenerator.GetHexString(8, lowercase: true);
        return new CertificateRecord
        {
            Id = id ?? NewId(),
            CertificatePem = FakePem("CERTIFICATE", 600),
            CertificateAuthority = authority,
            Subject = DistinguishedName.Create(
                commonName: host + ".example.com",
                organization: "Acme Corp",
                organizationalUnit: "Platform Ünit",
                locality: "Zürich",
                state: "ZH",
                country: "CH"),
            SubjectAlternativeNames = new SubjectAlternativeNames(
                dnsNames: [host + ".example.com", "*." + host + ".example.com"],
                ipAddresses: [IPAddress.Parse("192.0.2.10"), IPAddress.Parse("2001:db8::1")],
                emailAddresses: ["ops@example.com"],
                uris: [new Uri("spiffe://example.com/ns/prod/sa/" + host)]),
            Csr = FakePem("CERTIFICATE REQUEST", 300),
            IssuedOn = BaseTime,
            ExpiresOn = BaseTime.AddDays(90),
            ValidityDays = 90,
            SerialNumber = serialNumber ?? NewSerialNumber(),
            FingerprintSha256 = RandomNumberGenerator.GetHexString(64, lowercase: true),
            SubjectKeyIdentifier = RandomNumberGenerator.GetHexString(40, lowercase: true),
            SignatureAlgorithm = "SHA256WithECDSA",
            Type = CertificateType.Server,
            Profile = "server",
            PublicKeyAlgorithm = "ECDSA",
            PublicKeySize = 256,
            OwnerOrganization = ownerOrganization,
            Status = CertificateStatus.OnHold,
            RevokedAt = BaseTime.AddDays(3),
            TokenId = NewId(),
            Name = "cert " + host,
            PrivateKeyId = NewId(),
        };
    }

    /// <summary>A CA record with every field set.</summary>
    /// <param name="name">The name, or null for a random one.</param>
    /// <param name="organization">The owning organization, or null.</param>
    /// <param name="parentId">The parent CA id, or null for a root.</param>
    /// <param name="id">The id, or null for <see cref="NewId"/>.</param>
    public static AuthorityRecord Authority(string? name = null, string? organization = "Acme Corp", string? parentId = null, string? id = null)
    {
        string actualName = name ?? "CA " + RandomNumberGenerator.GetHexString(8, lowercase: true);
        return new AuthorityRecord
        {
            Id = id ?? NewId(),
            Name = actualName,
            Organization = organization,
            ParentId = parentId,
            IsRoot = parentId is null,
            Subject = DistinguishedName.Create(commonName: actualName, organization: organization, country: "DE"),
            CertificatePem = FakePem("CERTIFICATE", 800),
            KeyAlgorithm = KeyAlgorithm.EcdsaP384,
            KeyId = "software:" + NewId(),
            SerialNumber = NewSerialNumber(),
            NotBefore = BaseTime,
            NotAfter = BaseTime.AddYears(5),
            SubjectKeyIdentifier = RandomNumberGenerator.GetHexString(40, lowercase: true),
            FingerprintSha256 = RandomNumberGenerator.GetHexString(64, lowercase: true),
            PathLengthConstraint = parentId is null ? 1 : 0,
            Status = AuthorityStatus.Active,
            CrlDistributionPoint = new Uri("http://pki.example.com/crl/" + actualName.Replace(' ', '-') + ".crl"),
            DeltaCrlDistributionPoint = new Uri("http://pki.example.com/crl/" + actualName.Replace(' ', '-') + "-delta.crl"),
            OcspResponder = new Uri("http://ocsp.example.com/"),
            CaIssuers = new Uri("http://pki.example.com/ca.cer"),
            CreatedAt = BaseTime.AddMinutes(-5),
        };
    }

    /// <summary>A stored private key with <paramref name="size"/> random "protected" bytes.</summary>
    public static StoredPrivateKey PrivateKey(string? id = null, int size = 512) =>
        new(id ?? NewId(), KeyAlgorithm.EcdsaP256, RandomNumberGenerator.GetBytes(size), BaseTime);

    /// <summary>The audit event that follows <paramref name="last"/> (next sequence, linked to its hash), naming <paramref name="objectId"/>.</summary>
    /// <param name="last">The log's last event, or null for the first.</param>
    /// <param name="objectId">The object the event names.</param>
    /// <param name="actor">The actor.</param>
    public static AuditEvent ChainedEvent(AuditEvent? last, string objectId, string actor = "conformance")
    {
        var draft = new AuditEvent
        {
            Sequence = (last?.Sequence ?? 0) + 1,
            Timestamp = BaseTime,
            Actor = actor,
            Action = "test.write",
            ObjectType = "test",
            ObjectId = objectId,
            Outcome = AuditOutcome.Success,
            PreviousHash = last?.Hash ?? new string('0', 64),
            Hash = string.Empty,
        };
        return draft with { Hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(draft.Sequence + draft.PreviousHash + objectId))) };
    }

    private static string FakePem(string label, int size) =>
        $"-----BEGIN {label}-----\n{Convert.ToBase64String(RandomNumberGenerator.GetBytes(size), Base64FormattingOptions.InsertLineBreaks)}\n-----END {label}-----\n";
}
