using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>Hostile input: text no store can hold, extreme query values, extreme instants.</summary>
public abstract partial class CertificateStoreConformance
{
    /// <summary>Every text member of <see cref="CertificateRecord"/> that reaches a store.</summary>
    public static TheoryData<string, string> HostileTextMembers() => HostileText.Cross(
        nameof(CertificateRecord.Id), nameof(CertificateRecord.CertificatePem), "CertificateAuthority.Id", "CertificateAuthority.Name",
        "SubjectAlternativeNames.DnsNames", "SubjectAlternativeNames.EmailAddresses", "SubjectAlternativeNames.Uris",
        nameof(CertificateRecord.Csr), nameof(CertificateRecord.FingerprintSha256), nameof(CertificateRecord.SubjectKeyIdentifier),
        nameof(CertificateRecord.SignatureAlgorithm), nameof(CertificateRecord.Profile), nameof(CertificateRecord.PublicKeyAlgorithm),
        nameof(CertificateRecord.OwnerOrganization), nameof(CertificateRecord.RevocationComment), nameof(CertificateRecord.TokenId),
        nameof(CertificateRecord.Name), nameof(CertificateRecord.PrivateKeyId));

    /// <summary><paramref name="record"/> with <paramref name="member"/> (see <see cref="HostileTextMembers"/>) set to <paramref name="value"/>.</summary>
    public static CertificateRecord WithText(CertificateRecord record, string member, string value)
    {
        ArgumentNullException.ThrowIfNull(record);
        var names = record.SubjectAlternativeNames;
        return member switch
        {
            nameof(CertificateRecord.Id) => record with { Id = value },
            nameof(CertificateRecord.CertificatePem) => record with { CertificatePem = value },
            "CertificateAuthority.Id" => record with { CertificateAuthority = record.CertificateAuthority with { Id = value } },
            "CertificateAuthority.Name" => record with { CertificateAuthority = record.CertificateAuthority with { Name = value } },
            "SubjectAlternativeNames.DnsNames" => record with
            {
                SubjectAlternativeNames = new([.. names.DnsNames, value], names.IpAddresses, names.EmailAddresses, names.Uris),
            },
            "SubjectAlternativeNames.EmailAddresses" => record with
            {
                SubjectAlternativeNames = new(names.DnsNames, names.IpAddresses, [.. names.EmailAddresses, value], names.Uris),
            },
            "SubjectAlternativeNames.Uris" => record with
            {
                SubjectAlternativeNames = new(names.DnsNames, names.IpAddresses, names.EmailAddresses, [.. names.Uris, new Uri(value, UriKind.Relative)]),
            },
            nameof(CertificateRecord.Csr) => record with { Csr = value },
            nameof(CertificateRecord.FingerprintSha256) => record with { FingerprintSha256 = value },
            nameof(CertificateRecord.SubjectKeyIdentifier) => record with { SubjectKeyIdentifier = value },
            nameof(CertificateRecord.SignatureAlgorithm) => record with { SignatureAlgorithm = value },
            nameof(CertificateRecord.Profile) => record with { Profile = value },
            nameof(CertificateRecord.PublicKeyAlgorithm) => record with { PublicKeyAlgorithm = value },
            nameof(CertificateRecord.OwnerOrganization) => record with { OwnerOrganization = value },
            nameof(CertificateRecord.RevocationComment) => record with { RevocationComment = value },
            nameof(CertificateRecord.TokenId) => record with { TokenId = value },
            nameof(CertificateRecord.Name) => record with { Name = value },
            nameof(CertificateRecord.PrivateKeyId) => record with { PrivateKeyId = value },
            _ => throw new ArgumentOutOfRangeException(nameof(member), member, "Not a text member."),
        };
    }

    [Theory]
    [MemberData(nameof(HostileTextMembers))]
    public async Task Add_refuses_text_no_store_can_hold_with_InvalidRequest_naming_the_member_and_stores_nothing(string member, string kind)
    {
        var store = await NewStoreAsync();
        var hostile = WithText(ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary()), member, HostileText.Unstorable(kind));

        await HostileText.AssertRefusedAsync(async () => await store.AddAsync(hostile, NoCancellation), member);

        Assert.Empty(await ReadAsync(store.QueryAsync(new CertificateQuery { Limit = 10 }, NoCancellation)));
    }

    [Fact]
    public async Task Unusual_but_valid_text_in_every_member_round_trips_exactly()
    {
        var store = await NewStoreAsync();
        var record = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary());
        foreach (var member in HostileTextMembers().Select(row => (string)row[0]).Distinct())
        {
            record = WithText(record, member, HostileText.Unusual(member));
        }

        await store.AddAsync(record, NoCancellation);

        AssertSameRecord(record, await store.GetAsync(record.Id, NoCancellation));
        await AssertQueryIdsAsync(store, new CertificateQuery { Organization = record.OwnerOrganization, AuthorityId = record.CertificateAuthority.Id }, [record.Id]);
        Assert.Single(await ReadAsync(store.QueryAsync(new CertificateQuery { After = HostileText.Unusual(string.Empty), Limit = 10 }, NoCancellation)));
    }

    [Fact]
    public async Task Very_long_text_round_trips_exactly()
    {
        var store = await NewStoreAsync();
        string longText = string.Concat(Enumerable.Range(0, 40_000).Select(i => (char)('\u4E00' + (i * 7919 % 20000))));
        var record = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary()) with
        {
            CertificatePem = longText,
            Csr = longText + "csr",
            RevocationComment = longText + "comment",
            Name = longText + "name",
        };

        await store.AddAsync(record, NoCancellation);

        AssertSameRecord(record, await store.GetAsync(record.Id, NoCancellation));
    }

    [Theory]
    [MemberData(nameof(HostileKinds))]
    public async Task Lookups_and_filters_with_text_no_store_can_hold_find_nothing(string kind)
    {
        var store = await NewStoreAsync();
        var record = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary());
        await store.AddAsync(record, NoCancellation);
        string hostile = HostileText.Unstorable(kind, record.Id);
        var decoy = ConformanceRecords.Certificate(record.CertificateAuthority with { Id = HostileText.AsReplaced(HostileText.Unstorable(kind, record.CertificateAuthority.Id)) }) with
        {
            Id = HostileText.AsReplaced(hostile),
            SerialNumber = record.SerialNumber,
            OwnerOrganization = HostileText.AsReplaced(HostileText.Unstorable(kind, record.OwnerOrganization!)),
            FingerprintSha256 = HostileText.AsReplaced(HostileText.Unstorable(kind, record.FingerprintSha256)),
        };
        await store.AddAsync(decoy, NoCancellation);

        Assert.Null(await store.GetAsync(hostile, NoCancellation));
        Assert.Null(await store.FindBySerialNumberAsync(HostileText.Unstorable(kind, record.CertificateAuthority.Id), record.SerialNumber, NoCancellation));
        await AssertQueryIdsAsync(store, new CertificateQuery { AuthorityId = HostileText.Unstorable(kind, record.CertificateAuthority.Id) }, []);
        await AssertQueryIdsAsync(store, new CertificateQuery { Organization = HostileText.Unstorable(kind, record.OwnerOrganization!) }, []);
        await AssertQueryIdsAsync(store, new CertificateQuery { FingerprintSha256 = HostileText.Unstorable(kind, record.FingerprintSha256) }, []);
        AssertSameRecord(record, await store.GetAsync(record.Id, NoCancellation));
        AssertSameRecord(decoy, await store.GetAsync(decoy.Id, NoCancellation));
    }

    /// <summary>The kinds of <see cref="HostileText.UnstorableKinds"/>.</summary>
    public static TheoryData<string> HostileKinds() => HostileText.Kinds();

    [Theory]
    [MemberData(nameof(HostileKinds))]
    public async Task Query_with_an_After_cursor_no_store_can_hold_is_refused_with_InvalidRequest(string kind)
    {
        var store = await NewStoreAsync();
        await store.AddAsync(ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary()), NoCancellation);

        await HostileText.AssertRefusedAsync(
            async () => await ReadAsync(store.QueryAsync(new CertificateQuery { After = HostileText.Unstorable(kind, "0") }, NoCancellation)),
            nameof(CertificateQuery.After));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public async Task Query_with_a_Limit_below_one_returns_nothing(int limit)
    {
        var store = await NewStoreAsync();
        await store.AddAsync(ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary()), NoCancellation);

        Assert.Empty(await ReadAsync(store.QueryAsync(new CertificateQuery { Limit = limit }, NoCancellation)));
        Assert.Empty(await ReadAsync(store.QueryAsync(new CertificateQuery { Limit = limit, After = "0" }, NoCancellation)));
    }

    [Fact]
    public async Task Query_with_Limit_int_MaxValue_returns_every_match()
    {
        var store = await NewStoreAsync();
        var authority = ConformanceRecords.NewAuthoritySummary();
        var records = Enumerable.Range(0, 3).Select(_ => ConformanceRecords.Certificate(authority)).ToList();
        foreach (var record in records)
        {
            await store.AddAsync(record, NoCancellation);
        }

        var all = await ReadAsync(store.QueryAsync(new CertificateQuery { Limit = int.MaxValue }, NoCancellation));
        var filtered = await ReadAsync(store.QueryAsync(new CertificateQuery { Limit = int.MaxValue, AuthorityId = authority.Id, After = string.Empty }, NoCancellation));

        Assert.Equal(SortedOrdinal(records.Select(r => r.Id)), all.Select(r => r.Id));
        Assert.Equal(SortedOrdinal(records.Select(r => r.Id)), filtered.Select(r => r.Id));
    }

    [Fact]
    public async Task Query_with_undefined_enum_values_finds_nothing()
    {
        var store = await NewStoreAsync();
        await store.AddAsync(ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary()), NoCancellation);

        foreach (int value in new[] { -1, 99, short.MaxValue + 1, int.MaxValue, int.MinValue })
        {
            await AssertQueryIdsAsync(store, new CertificateQuery { Status = (CertificateStatus)value }, []);
            await AssertQueryIdsAsync(store, new CertificateQuery { Type = (CertificateType)value }, []);
        }
    }

    [Theory]
    [InlineData(nameof(CertificateRecord.Status))]
    [InlineData(nameof(CertificateRecord.Type))]
    [InlineData(nameof(CertificateRecord.RevocationReason))]
    public async Task Add_refuses_undefined_enum_values_with_InvalidRequest_and_stores_nothing(string member)
    {
        var store = await NewStoreAsync();
        var record = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary());
        foreach (int value in new[] { -1, 99, short.MaxValue + 1, int.MaxValue })
        {
            var hostile = member switch
            {
                nameof(CertificateRecord.Status) => record with { Status = (CertificateStatus)value },
                nameof(CertificateRecord.Type) => record with { Type = (CertificateType)value },
                _ => record with { RevocationReason = (RevocationReason)value },
            };

            await HostileText.AssertRefusedAsync(async () => await store.AddAsync(hostile, NoCancellation), member);
        }

        Assert.Empty(await ReadAsync(store.QueryAsync(new CertificateQuery(), NoCancellation)));
    }

    [Fact]
    public async Task Extreme_instants_round_trip_and_bound_queries_and_purges()
    {
        var store = await NewStoreAsync();
        var authority = ConformanceRecords.NewAuthoritySummary();
        var earliest = ConformanceRecords.Certificate(authority) with
        {
            Status = CertificateStatus.Active,
            IssuedOn = DateTimeOffset.MinValue,
            ExpiresOn = DateTimeOffset.MinValue,
            RevokedAt = DateTimeOffset.MinValue,
            InvalidityDate = DateTimeOffset.MinValue,
            StatusChangedAt = DateTimeOffset.MinValue,
            TokenId = null,
        };
        var latest = ConformanceRecords.Certificate(authority) with
        {
            IssuedOn = DateTimeOffset.MaxValue,
            ExpiresOn = DateTimeOffset.MaxValue,
            RevokedAt = DateTimeOffset.MaxValue,
            InvalidityDate = DateTimeOffset.MaxValue,
            StatusChangedAt = DateTimeOffset.MaxValue,
        };
        await store.AddAsync(earliest, NoCancellation);
        await store.AddAsync(latest, NoCancellation);

        AssertSameRecord(earliest, await store.GetAsync(earliest.Id, NoCancellation));
        AssertSameRecord(latest, await store.GetAsync(latest.Id, NoCancellation));
        await AssertQueryIdsAsync(store, new CertificateQuery { ExpiresOnOrAfter = DateTimeOffset.MaxValue }, [latest.Id]);
        await AssertQueryIdsAsync(store, new CertificateQuery { ExpiresBefore = DateTimeOffset.MaxValue }, [earliest.Id]);
        await AssertQueryIdsAsync(store, new CertificateQuery { ExpiresOnOrAfter = DateTimeOffset.MinValue, ExpiresBefore = DateTimeOffset.MaxValue }, [earliest.Id]);
        await AssertQueryIdsAsync(store, new CertificateQuery { ExpiresBefore = DateTimeOffset.MinValue }, []);

        Assert.Equal(new CertificatePurgeResult(0, 0), await store.PurgeExpiredAsync(new CertificatePurge(DateTimeOffset.MinValue, int.MaxValue), NoCancellation));
        Assert.Equal(1, (await store.PurgeExpiredAsync(new CertificatePurge(DateTimeOffset.MaxValue, int.MaxValue), NoCancellation)).Certificates);
        await AssertQueryIdsAsync(store, new CertificateQuery(), [latest.Id]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public async Task Purge_with_a_Limit_below_one_throws_ArgumentOutOfRangeException_and_removes_nothing(int limit)
    {
        var store = await NewStoreAsync();
        var record = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary()) with { Status = CertificateStatus.Active, TokenId = null };
        await store.AddAsync(record, NoCancellation);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await store.PurgeExpiredAsync(new CertificatePurge(DateTimeOffset.MaxValue, limit), NoCancellation));

        AssertSameRecord(record, await store.GetAsync(record.Id, NoCancellation));
    }
}
