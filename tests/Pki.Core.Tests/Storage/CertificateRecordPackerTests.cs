using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Pki.Core.Storage.InMemory;
using Pki.Storage.Conformance;

namespace Pki.Core.Tests.Storage;

public sealed class CertificateRecordPackerTests
{
    /// <summary>A record and a query whose filters are taken from it, near it or far from it.</summary>
    public sealed record QueryScenario(CertificateRecord Record, CertificateQuery Query);

    // Pieces of free text: ASCII, non-ASCII letters, a surrogate pair, unpaired surrogates (no UTF-8 form), control characters.
    private static readonly string[] TextPieces = ["a", "Z", "0", " ", "-", ",", "=", "é", "ß", "Ж", "ı", "\U0001F600", "\uD800", "\uDC00", "\0", "\n"];

    // Pieces of distinguished-name values, which must be printable and valid UTF-16.
    private static readonly string[] NamePieces = ["a", "Z", "0", " x", "-", ",", "+", "=", "\"", "é", "ß", "Ж", "\U0001F600"];

    private static readonly (string Text, UriKind Kind)[] UriTexts =
    [
        ("https://api.example.com/a?b=c#d", UriKind.Absolute),
        ("spiffe://acme/ns/prod/sa/web", UriKind.Absolute),
        ("urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66", UriKind.Absolute),
        ("https://bücher.example/straße", UriKind.Absolute),
        ("HTTPS://Example.COM:443/./x/../y", UriKind.Absolute),
        ("/etc/passwd", UriKind.Absolute),
        ("/relative/path", UriKind.Relative),
        ("relative/ü", UriKind.Relative),
        ("../up", UriKind.Relative),
        ("?query=1", UriKind.Relative),
        ("", UriKind.Relative),
        ("https://api.example.com/x", UriKind.RelativeOrAbsolute),
        ("/either", UriKind.RelativeOrAbsolute),
        ("either", UriKind.RelativeOrAbsolute),
    ];

    private static readonly Gen<string> Text =
        from count in Gen.Choose(0, 12)
        from pieces in Gen.ArrayOf(Gen.Elements(TextPieces), count)
        select string.Concat(pieces);

    private static readonly Gen<string?> OptionalText = Gen.OneOf(Gen.Constant<string?>(null), Text.Select(t => (string?)t));

    private static readonly Gen<string?> NameValue = Gen.OneOf(
        Gen.Constant<string?>(null),
        from count in Gen.Choose(1, 8)
        from pieces in Gen.ArrayOf(Gen.Elements(NamePieces), count)
        select (string?)string.Concat(pieces).Trim() is { Length: > 0 } value ? value : "x");

    private static readonly Gen<DistinguishedName> Names = Gen.OneOf(
        Gen.Constant(DistinguishedName.Empty),
        from commonName in NameValue
        from organization in NameValue
        from unit in NameValue
        from locality in NameValue
        from state in NameValue
        from country in Gen.Elements<string?>(null, "DE", "CH", "US")
        from extraUnit in NameValue
        let name = DistinguishedName.Create(commonName, organization, unit, locality, state, country)
        select extraUnit is null
            ? name
            : DistinguishedName.FromComponents([.. name.Components, new DistinguishedNameComponent(DistinguishedNameOids.OrganizationalUnit, extraUnit)]));

    private static readonly Gen<IPAddress> Addresses = Gen.OneOf(
        Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), 4).Select(bytes => new IPAddress(bytes)),
        from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), 16)
        from scope in Gen.Elements(0L, 1L, 3L, uint.MaxValue)
        select new IPAddress(bytes, scope));

    private static readonly Gen<Uri> Uris =
        from index in Gen.Choose(0, UriTexts.Length - 1)
        select Uri.TryCreate(UriTexts[index].Text, UriTexts[index].Kind, out var uri) ? uri : new Uri(UriTexts[index].Text, UriKind.Relative);

    private static readonly Gen<SubjectAlternativeNames> AlternativeNames = Gen.OneOf(
        Gen.Constant(SubjectAlternativeNames.None),
        from dnsCount in Gen.Choose(0, 3)
        from dns in Gen.ArrayOf(Text, dnsCount)
        from ipCount in Gen.Choose(0, 3)
        from ips in Gen.ArrayOf(Addresses, ipCount)
        from emailCount in Gen.Choose(0, 2)
        from emails in Gen.ArrayOf(Text, emailCount)
        from uriCount in Gen.Choose(0, 3)
        from uris in Gen.ArrayOf(Uris, uriCount)
        select new SubjectAlternativeNames(dns, ips, emails, uris));

    /// <summary>Any instant from year 1 to 9999 with any whole-minute offset up to ±14 hours.</summary>
    private static readonly Gen<DateTimeOffset> Instants =
        from days in Gen.Choose(2, 3_650_000)
        from seconds in Gen.Choose(0, 86_399)
        from fraction in Gen.Choose(0, 9_999_999)
        from offsetMinutes in Gen.OneOf(Gen.Constant(0), Gen.Choose(-14 * 60, 14 * 60))
        select new DateTimeOffset(days * TimeSpan.TicksPerDay + seconds * TimeSpan.TicksPerSecond + fraction, TimeSpan.FromMinutes(offsetMinutes));

    private static readonly Gen<DateTimeOffset?> OptionalInstants = Gen.OneOf(Gen.Constant<DateTimeOffset?>(null), Instants.Select(i => (DateTimeOffset?)i));

    private static readonly Gen<SerialNumber> SerialNumbers = Gen.OneOf(
        Gen.Constant(default(SerialNumber)),
        from length in Gen.Choose(1, SerialNumber.MaxLength - 1)
        from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), length)
        select SerialNumber.FromBytes(bytes[0] >= 0x80 ? [0, .. bytes] : bytes[0] == 0 ? [1, .. bytes[1..]] : bytes));

    private static readonly Gen<CertificateRecord> Identities =
        from id in Text
        from pem in Text
        from authority in Gen.Elements(new AuthoritySummary("ca-1", "Issuing CA"), new AuthoritySummary("", ""), new AuthoritySummary("ca-é", "CA \uD800"))
        from csr in OptionalText
        from serial in SerialNumbers
        from fingerprint in Text
        from ski in Text
        from signature in Text
        from profile in Text
        from keyAlgorithm in Text
        select new CertificateRecord
        {
            Id = id,
            CertificatePem = pem,
            CertificateAuthority = authority,
            Subject = DistinguishedName.Empty,
            SubjectAlternativeNames = SubjectAlternativeNames.None,
            Csr = csr,
            IssuedOn = default,
            ExpiresOn = default,
            ValidityDays = 0,
            SerialNumber = serial,
            FingerprintSha256 = fingerprint,
            SubjectKeyIdentifier = ski,
            SignatureAlgorithm = signature,
            Type = CertificateType.Server,
            Profile = profile,
            PublicKeyAlgorithm = keyAlgorithm,
            PublicKeySize = 0,
        };

    private static readonly Gen<CertificateRecord> Records =
        from identity in Identities
        from subject in Names
        from alternativeNames in AlternativeNames
        from issuedOn in Instants
        from expiresOn in Instants
        from validityDays in Gen.Choose(int.MinValue, int.MaxValue)
        from keySize in Gen.Choose(int.MinValue, int.MaxValue)
        from type in Gen.Elements([.. Enum.GetValues<CertificateType>(), (CertificateType)99])
        from owner in OptionalText
        from status in Gen.Elements([.. Enum.GetValues<CertificateStatus>(), (CertificateStatus)0])
        from revokedAt in OptionalInstants
        from reason in Gen.Elements<RevocationReason?>([null, .. Enum.GetValues<RevocationReason>().Select(r => (RevocationReason?)r)])
        from invalidityDate in OptionalInstants
        from comment in OptionalText
        from statusChangedAt in OptionalInstants
        from tokenId in OptionalText
        from name in OptionalText
        from keyId in OptionalText
        select identity with
        {
            Subject = subject,
            SubjectAlternativeNames = alternativeNames,
            IssuedOn = issuedOn,
            ExpiresOn = expiresOn,
            ValidityDays = validityDays,
            PublicKeySize = keySize,
            Type = type,
            OwnerOrganization = owner,
            Status = status,
            RevokedAt = revokedAt,
            RevocationReason = reason,
            InvalidityDate = invalidityDate,
            RevocationComment = comment,
            StatusChangedAt = statusChangedAt,
            TokenId = tokenId,
            Name = name,
            PrivateKeyId = keyId,
        };

    public static Arbitrary<CertificateRecord> AnyRecord() => Arb.From(Records);

    public static Arbitrary<QueryScenario> AnyQuery() => Arb.From(
        from record in Records
        from authorityId in Gen.Elements<string?>(null, record.CertificateAuthority.Id, "other-ca")
        from organization in Gen.Elements<string?>(null, record.OwnerOrganization, "Other Org")
        from status in Gen.Elements<CertificateStatus?>(null, record.Status, CertificateStatus.Revoked)
        from type in Gen.Elements<CertificateType?>(null, record.Type, CertificateType.Client)
        from notBefore in Gen.Elements<DateTimeOffset?>(null, record.ExpiresOn, record.ExpiresOn.AddTicks(1), record.ExpiresOn.AddTicks(-1).ToOffset(TimeSpan.FromHours(3)))
        from before in Gen.Elements<DateTimeOffset?>(null, record.ExpiresOn, record.ExpiresOn.AddTicks(1).ToOffset(TimeSpan.FromHours(-5)), record.ExpiresOn.AddTicks(-1))
        from serial in Gen.Elements<SerialNumber?>(null, record.SerialNumber, SerialNumber.Parse("01"), default(SerialNumber))
        from fingerprint in Gen.Elements<string?>(
            null, record.FingerprintSha256, record.FingerprintSha256.ToUpperInvariant(), record.FingerprintSha256.ToLowerInvariant(), record.FingerprintSha256 + "0", "i", "I")
        select new QueryScenario(record, new CertificateQuery
        {
            AuthorityId = authorityId,
            Organization = organization,
            Status = status,
            Type = type,
            ExpiresOnOrAfter = notBefore,
            ExpiresBefore = before,
            SerialNumber = serial,
            FingerprintSha256 = fingerprint,
        }));

    [Property(MaxTest = 500, Arbitrary = [typeof(CertificateRecordPackerTests)])]
    public Property Any_record_unpacks_to_exactly_the_record_that_was_packed(CertificateRecord record)
    {
        string? difference = Difference(record, CertificateRecordPacker.Unpack(CertificateRecordPacker.Pack(record)));
        return (difference is null).Label(difference ?? "");
    }

    [Property(MaxTest = 500, Arbitrary = [typeof(CertificateRecordPackerTests)])]
    public Property A_packed_record_matches_a_query_exactly_when_the_record_does(QueryScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        bool expected = scenario.Query.Matches(scenario.Record);
        return (CertificateRecordPacker.Pack(scenario.Record).Matches(scenario.Query) == expected).Label($"expected {expected} for {scenario.Query}");
    }

    [Fact]
    public void CertificateQuery_has_no_filter_the_packed_matcher_does_not_know()
    {
        // PackedCertificate.Matches restates CertificateQuery.Matches on the columns: a new filter must be added there too.
        string[] known =
        [
            nameof(CertificateQuery.AuthorityId), nameof(CertificateQuery.Organization), nameof(CertificateQuery.Status), nameof(CertificateQuery.Type),
            nameof(CertificateQuery.ExpiresOnOrAfter), nameof(CertificateQuery.ExpiresBefore), nameof(CertificateQuery.SerialNumber),
            nameof(CertificateQuery.FingerprintSha256), nameof(CertificateQuery.After), nameof(CertificateQuery.Limit),
        ];
        Assert.Equal(
            known.Order(StringComparer.Ordinal),
            typeof(CertificateQuery).GetProperties().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_record_missing_a_required_reference_is_refused_with_an_argument_exception_and_nothing_is_stored()
    {
        var store = new InMemoryCertificateStore();
        var record = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary());

        await Assert.ThrowsAsync<ArgumentException>(async () => await store.AddAsync(record with { Subject = null! }, default));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.AddAsync(record with { SubjectAlternativeNames = null! }, default));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.AddAsync(record with { CertificateAuthority = null! }, default));

        Assert.Null(await store.GetAsync(record.Id, default));
        await store.AddAsync(record, default);
        Assert.NotNull(await store.GetAsync(record.Id, default));
    }

    [Fact]
    public void A_record_with_every_field_set_round_trips_and_its_columns_are_read_without_unpacking()
    {
        var offset = TimeSpan.FromMinutes(-210);
        var record = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary()) with
        {
            IssuedOn = ConformanceRecords.BaseTime.ToOffset(offset),
            ExpiresOn = ConformanceRecords.BaseTime.AddDays(90).ToOffset(TimeSpan.FromHours(14)),
            SubjectAlternativeNames = new SubjectAlternativeNames(
                ["api.example.com", "bücher.example"],
                [IPAddress.Parse("192.0.2.10"), IPAddress.Parse("fe80::1%7"), IPAddress.Parse("::ffff:10.0.0.1")],
                ["ops@example.com", "üser@example.com"],
                [new Uri("spiffe://example.com/ns/prod"), new Uri("relative/path", UriKind.Relative)]),
            Status = CertificateStatus.Revoked,
            RevocationReason = RevocationReason.KeyCompromise,
            RevokedAt = ConformanceRecords.BaseTime.AddDays(3).ToOffset(offset),
            InvalidityDate = ConformanceRecords.BaseTime.AddDays(2),
            RevocationComment = "laptop stolen in Zürich",
            StatusChangedAt = ConformanceRecords.BaseTime.AddDays(3).ToOffset(TimeSpan.FromHours(1)),
        };
        Assert.All(typeof(CertificateRecord).GetProperties(), p => Assert.NotNull(p.GetValue(record)));

        var packed = CertificateRecordPacker.Pack(record);
        var unpacked = CertificateRecordPacker.Unpack(packed);

        Assert.Null(Difference(record, unpacked));
        Assert.Equal(7, unpacked.SubjectAlternativeNames.IpAddresses[1].ScopeId);
        Assert.Equal(record.SerialNumber.Bytes, packed.SerialNumberBytes);
        Assert.Equal(record.ExpiresOn.Offset, packed.ExpiresOn.Offset);
        Assert.Same(record.CertificateAuthority, unpacked.CertificateAuthority);
        Assert.Equal(
            new RevocationEntry(record.Id, record.SerialNumber, record.Status, record.RevocationReason, record.RevokedAt, record.InvalidityDate, record.ExpiresOn, record.StatusChangedAt),
            CertificateRecordPacker.ReadRevocationEntry(packed));
    }

    [Fact]
    public void A_status_change_repacks_the_changed_fields_and_keeps_the_rest_and_the_shared_references()
    {
        var record = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary()) with
        {
            Status = CertificateStatus.Active,
            RevokedAt = null,
            RevocationReason = null,
        };
        var shared = new AuthoritySummary(record.CertificateAuthority.Id, record.CertificateAuthority.Name);
        var current = new PackedCertificate(record, shared, "Acme Corp", CertificateRecordPacker.PackFields(record));
        var updated = CertificateRecordPacker.Unpack(current) with
        {
            Status = CertificateStatus.Revoked,
            RevocationReason = RevocationReason.Superseded,
            RevokedAt = ConformanceRecords.BaseTime.AddDays(5).ToOffset(TimeSpan.FromHours(2)),
            InvalidityDate = ConformanceRecords.BaseTime.AddDays(4),
            RevocationComment = "",
            StatusChangedAt = ConformanceRecords.BaseTime.AddDays(5),
        };

        var repacked = CertificateRecordPacker.Repack(current, updated, changeSequence: 300);

        Assert.Null(Difference(updated, CertificateRecordPacker.Unpack(repacked)));
        Assert.Equal(300, CertificateRecordPacker.ReadRevocationEntry(repacked).ChangeSequence);
        Assert.Equal(0, CertificateRecordPacker.ReadRevocationEntry(current).ChangeSequence);
        Assert.Null(Difference(record, CertificateRecordPacker.Unpack(current)));
        Assert.Equal(CertificateStatus.Revoked, repacked.Status);
        Assert.Same(shared, repacked.Authority);
        Assert.Same(current.OwnerOrganization, repacked.OwnerOrganization);
        Assert.True(PackedSerialNumberComparer.Instance.Equals(current, repacked));
        Assert.Equal(PackedSerialNumberComparer.Instance.GetHashCode(current), PackedSerialNumberComparer.Instance.GetHashCode(repacked));
    }

    [Fact]
    public async Task After_a_status_change_and_a_purge_the_serial_number_index_follows_the_record()
    {
        var store = new InMemoryCertificateStore();
        var record = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary()) with { Status = CertificateStatus.Active, RevokedAt = null };
        await store.AddAsync(record, default);

        var revoked = store.TryChangeStatus(new CertificateStatusChange
        {
            CertificateId = record.Id,
            ExpectedStatus = CertificateStatus.Active,
            NewStatus = CertificateStatus.Revoked,
            Reason = RevocationReason.KeyCompromise,
            RevokedAt = ConformanceRecords.BaseTime.AddDays(1),
            ChangedAt = ConformanceRecords.BaseTime.AddDays(1),
        });

        Assert.NotNull(revoked);
        Assert.Null(Difference(revoked, await store.FindBySerialNumberAsync(record.CertificateAuthority.Id, record.SerialNumber, default)));
        var duplicate = await Assert.ThrowsAsync<PkiException>(
            async () => await store.AddAsync(record with { Id = ConformanceRecords.NewId() }, default));
        Assert.Equal(PkiErrorCode.DuplicateSerialNumber, duplicate.Code);

        var purged = await store.PurgeExpiredAsync(new CertificatePurge(DateTimeOffset.MaxValue, Limit: 10), default);
        Assert.Equal(1, purged.Certificates);
        Assert.Null(await store.FindBySerialNumberAsync(record.CertificateAuthority.Id, record.SerialNumber, default));
        await store.AddAsync(record with { Id = ConformanceRecords.NewId() }, default);
    }

    /// <summary>
    /// Null when <paramref name="actual"/> equals <paramref name="expected"/> in every field, including what value
    /// equality ignores (the offsets of dates, whether a URI is absolute, IPv6 scope ids); else what differs.
    /// </summary>
    private static string? Difference(CertificateRecord expected, CertificateRecord? actual)
    {
        if (actual is null)
        {
            return "no record";
        }

        if (expected != actual)
        {
            return $"records differ: expected {expected}, actual {actual}";
        }

        (string Name, DateTimeOffset? Expected, DateTimeOffset? Actual)[] instants =
        [
            (nameof(expected.IssuedOn), expected.IssuedOn, actual.IssuedOn),
            (nameof(expected.ExpiresOn), expected.ExpiresOn, actual.ExpiresOn),
            (nameof(expected.RevokedAt), expected.RevokedAt, actual.RevokedAt),
            (nameof(expected.InvalidityDate), expected.InvalidityDate, actual.InvalidityDate),
            (nameof(expected.StatusChangedAt), expected.StatusChangedAt, actual.StatusChangedAt),
        ];
        foreach (var (name, expectedInstant, actualInstant) in instants)
        {
            if (expectedInstant?.Offset != actualInstant?.Offset)
            {
                return $"{name}: offset {expectedInstant?.Offset} became {actualInstant?.Offset}";
            }
        }

        var expectedNames = expected.SubjectAlternativeNames;
        var actualNames = actual.SubjectAlternativeNames;
        for (int i = 0; i < expectedNames.Uris.Count; i++)
        {
            if (expectedNames.Uris[i].IsAbsoluteUri != actualNames.Uris[i].IsAbsoluteUri)
            {
                return $"URI {expectedNames.Uris[i].OriginalString}: absolute {expectedNames.Uris[i].IsAbsoluteUri} became {actualNames.Uris[i].IsAbsoluteUri}";
            }
        }

        for (int i = 0; i < expectedNames.IpAddresses.Count; i++)
        {
            var (expectedAddress, actualAddress) = (expectedNames.IpAddresses[i], actualNames.IpAddresses[i]);
            if (expectedAddress.AddressFamily != actualAddress.AddressFamily
                || expectedAddress.AddressFamily == AddressFamily.InterNetworkV6 && expectedAddress.ScopeId != actualAddress.ScopeId)
            {
                return $"IP address {expectedAddress} became {actualAddress}";
            }
        }

        return null;
    }
}
