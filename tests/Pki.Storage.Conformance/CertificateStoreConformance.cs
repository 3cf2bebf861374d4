using FsCheck.Xunit;
using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>
/// The guarantees every <see cref="ICertificateStore"/> makes. A provider's test project derives from this class and
/// implements <see cref="CreateStoreAsync"/>; every test gets a fresh, empty store.
/// </summary>
public abstract partial class CertificateStoreConformance : StoreConformanceBase
{
    /// <summary>Creates a fresh, empty store. If it is disposable, it is disposed after the test.</summary>
    protected abstract ValueTask<ICertificateStore> CreateStoreAsync();

    private async Task<ICertificateStore> NewStoreAsync() => Track(await CreateStoreAsync());

    // ---- add / get / find ---------------------------------------------------------------------------------------

    [Fact]
    public async Task Add_then_Get_returns_an_equal_record_with_every_field()
    {
        var store = await NewStoreAsync();
        var record = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary());

        await store.AddAsync(record, NoCancellation);
        var loaded = await store.GetAsync(record.Id, NoCancellation);

        AssertSameRecord(record, loaded);
    }

    [Fact]
    public async Task Add_then_Get_round_trips_optional_fields_left_null()
    {
        var store = await NewStoreAsync();
        var record = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary(), ownerOrganization: null) with
        {
            Subject = DistinguishedName.Empty,
            SubjectAlternativeNames = SubjectAlternativeNames.None,
            Csr = null,
            Status = CertificateStatus.Active,
            RevokedAt = null,
            TokenId = null,
            Name = null,
            PrivateKeyId = null,
        };

        await store.AddAsync(record, NoCancellation);

        AssertSameRecord(record, await store.GetAsync(record.Id, NoCancellation));
    }

    [Theory]
    [MemberData(nameof(IncompleteRecords))]
    public async Task Add_refuses_a_record_missing_a_required_member_with_ArgumentException_and_stores_nothing(string member)
    {
        var store = await NewStoreAsync();
        var broken = WithoutMember(ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary()), member);

        var refused = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.AddAsync(broken, NoCancellation));

        Assert.Contains(member, refused.Message, StringComparison.Ordinal);
        Assert.Empty(await store.QueryAsync(new CertificateQuery { Limit = 10 }, NoCancellation).ToListAsync());
    }

    /// <summary>The members of <see cref="CertificateRecord"/> that are required and of a reference type.</summary>
    public static TheoryData<string> IncompleteRecords() =>
    [
        nameof(CertificateRecord.Id), nameof(CertificateRecord.CertificatePem), nameof(CertificateRecord.CertificateAuthority),
        "CertificateAuthority.Id", "CertificateAuthority.Name", nameof(CertificateRecord.Subject),
        nameof(CertificateRecord.SubjectAlternativeNames), nameof(CertificateRecord.FingerprintSha256),
        nameof(CertificateRecord.SubjectKeyIdentifier), nameof(CertificateRecord.SignatureAlgorithm), nameof(CertificateRecord.Profile),
        nameof(CertificateRecord.PublicKeyAlgorithm),
    ];

    /// <summary><paramref name="record"/> with <paramref name="member"/> (one of <see cref="IncompleteRecords"/>) set to null.</summary>
    public static CertificateRecord WithoutMember(CertificateRecord record, string member)
    {
        ArgumentNullException.ThrowIfNull(record);
        return member switch
        {
            nameof(CertificateRecord.Id) => record with { Id = null! },
            nameof(CertificateRecord.CertificatePem) => record with { CertificatePem = null! },
            nameof(CertificateRecord.CertificateAuthority) => record with { CertificateAuthority = null! },
            "CertificateAuthority.Id" => record with { CertificateAuthority = record.CertificateAuthority with { Id = null! } },
            "CertificateAuthority.Name" => record with { CertificateAuthority = record.CertificateAuthority with { Name = null! } },
            nameof(CertificateRecord.Subject) => record with { Subject = null! },
            nameof(CertificateRecord.SubjectAlternativeNames) => record with { SubjectAlternativeNames = null! },
            nameof(CertificateRecord.FingerprintSha256) => record with { FingerprintSha256 = null! },
            nameof(CertificateRecord.SubjectKeyIdentifier) => record with { SubjectKeyIdentifier = null! },
            nameof(CertificateRecord.SignatureAlgorithm) => record with { SignatureAlgorithm = null! },
            nameof(CertificateRecord.Profile) => record with { Profile = null! },
            nameof(CertificateRecord.PublicKeyAlgorithm) => record with { PublicKeyAlgorithm = null! },
            _ => throw new ArgumentOutOfRangeException(nameof(member), member, "Not a required reference member."),
        };
    }

    [Fact]
    public async Task Get_of_an_unknown_id_returns_null()
    {
        var store = await NewStoreAsync();
        await store.AddAsync(ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary()), NoCancellation);

        Assert.Null(await store.GetAsync(ConformanceRecords.NewId(), NoCancellation));
    }

    [Fact]
    public async Task FindBySerialNumber_returns_the_record_of_that_CA_and_serial_only()
    {
        var store = await NewStoreAsync();
        var authority = ConformanceRecords.NewAuthoritySummary();
        var other = ConformanceRecords.NewAuthoritySummary();
        var records = Enumerable.Range(0, 5).Select(_ => ConformanceRecords.Certificate(authority)).ToList();
        foreach (var record in records)
        {
            await store.AddAsync(record, NoCancellation);
        }

        foreach (var record in records)
        {
            AssertSameRecord(record, await store.FindBySerialNumberAsync(authority.Id, record.SerialNumber, NoCancellation));
            Assert.Null(await store.FindBySerialNumberAsync(other.Id, record.SerialNumber, NoCancellation));
        }

        Assert.Null(await store.FindBySerialNumberAsync(authority.Id, ConformanceRecords.NewSerialNumber(), NoCancellation));
    }

    [Theory]
    [InlineData("01")]
    [InlineData("7f")]
    [InlineData("0080")]
    [InlineData("00ff00")]
    [InlineData("7fffffffffffffffffffffffffffffffffffffff")]
    [InlineData("00ffffffffffffffffffffffffffffffffffffff")]
    public async Task Serial_numbers_of_every_length_round_trip_and_are_found(string hex)
    {
        var store = await NewStoreAsync();
        var serial = SerialNumber.FromBytes(Convert.FromHexString(hex));
        var record = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary(), serialNumber: serial);

        await store.AddAsync(record, NoCancellation);

        var loaded = await store.GetAsync(record.Id, NoCancellation);
        Assert.NotNull(loaded);
        Assert.Equal(hex, Convert.ToHexStringLower(loaded.SerialNumber.Bytes));
        AssertSameRecord(record, await store.FindBySerialNumberAsync(record.CertificateAuthority.Id, serial, NoCancellation));
        await AssertQueryIdsAsync(store, new CertificateQuery { SerialNumber = serial }, [record.Id]);
    }

    // ---- uniqueness ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task Add_of_a_serial_the_CA_already_used_throws_DuplicateSerialNumber_and_changes_nothing()
    {
        var store = await NewStoreAsync();
        var authority = ConformanceRecords.NewAuthoritySummary();
        var original = ConformanceRecords.Certificate(authority);
        var duplicate = ConformanceRecords.Certificate(authority, serialNumber: original.SerialNumber, ownerOrganization: "Other Org") with
        {
            Type = CertificateType.Client,
        };
        await store.AddAsync(original, NoCancellation);

        var error = await Assert.ThrowsAnyAsync<PkiException>(async () => await store.AddAsync(duplicate, NoCancellation));

        Assert.Equal(PkiErrorCode.DuplicateSerialNumber, error.Code);
        AssertSameRecord(original, await store.FindBySerialNumberAsync(authority.Id, original.SerialNumber, NoCancellation));
        AssertSameRecord(original, await store.GetAsync(original.Id, NoCancellation));
        Assert.Null(await store.GetAsync(duplicate.Id, NoCancellation));
        await AssertQueryIdsAsync(store, new CertificateQuery(), [original.Id]);
        await AssertQueryIdsAsync(store, new CertificateQuery { Organization = "Other Org" }, []);
        await AssertQueryIdsAsync(store, new CertificateQuery { Type = CertificateType.Client }, []);
        await AssertQueryIdsAsync(store, new CertificateQuery { FingerprintSha256 = duplicate.FingerprintSha256 }, []);
    }

    [Fact]
    public async Task The_same_serial_under_a_different_CA_is_accepted()
    {
        var store = await NewStoreAsync();
        var first = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary());
        var second = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary(), serialNumber: first.SerialNumber);

        await store.AddAsync(first, NoCancellation);
        await store.AddAsync(second, NoCancellation);

        AssertSameRecord(first, await store.FindBySerialNumberAsync(first.CertificateAuthority.Id, first.SerialNumber, NoCancellation));
        AssertSameRecord(second, await store.FindBySerialNumberAsync(second.CertificateAuthority.Id, first.SerialNumber, NoCancellation));
        await AssertQueryIdsAsync(store, new CertificateQuery { SerialNumber = first.SerialNumber }, SortedOrdinal([first.Id, second.Id]));
    }

    [Fact]
    public async Task Add_of_an_existing_id_throws_Conflict_and_changes_nothing()
    {
        var store = await NewStoreAsync();
        var original = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary());
        var sameId = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary(), id: original.Id, ownerOrganization: "Other Org");
        await store.AddAsync(original, NoCancellation);

        var error = await Assert.ThrowsAnyAsync<PkiException>(async () => await store.AddAsync(sameId, NoCancellation));

        Assert.Equal(PkiErrorCode.Conflict, error.Code);
        AssertSameRecord(original, await store.GetAsync(original.Id, NoCancellation));
        Assert.Null(await store.FindBySerialNumberAsync(sameId.CertificateAuthority.Id, sameId.SerialNumber, NoCancellation));
        await AssertQueryIdsAsync(store, new CertificateQuery(), [original.Id]);
        await AssertQueryIdsAsync(store, new CertificateQuery { AuthorityId = sameId.CertificateAuthority.Id }, []);
        await AssertQueryIdsAsync(store, new CertificateQuery { Organization = "Other Org" }, []);
    }

    [Fact]
    public async Task Add_of_the_same_record_twice_throws_Conflict_though_its_serial_is_taken_too()
    {
        var store = await NewStoreAsync();
        var record = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary());
        await store.AddAsync(record, NoCancellation);

        var error = await Assert.ThrowsAnyAsync<PkiException>(async () => await store.AddAsync(record, NoCancellation));

        Assert.Equal(PkiErrorCode.Conflict, error.Code);
        await AssertQueryIdsAsync(store, new CertificateQuery(), [record.Id]);
    }

    [Fact]
    public async Task Ids_are_listed_and_paged_in_code_point_order()
    {
        // U+FFFD sorts before U+1F600 by code point (and in UTF-8), after it by UTF-16 code unit (ordinal).
        var store = await NewStoreAsync();
        var authority = ConformanceRecords.NewAuthoritySummary();
        string bmp = "k\uFFFD", astral = "k\U0001F600", ascii = "k0";
        foreach (string id in new[] { astral, bmp, ascii })
        {
            await store.AddAsync(ConformanceRecords.Certificate(authority, id: id), NoCancellation);
        }

        await AssertQueryIdsAsync(store, new CertificateQuery(), [ascii, bmp, astral]);
        await AssertQueryIdsAsync(store, new CertificateQuery { After = bmp }, [astral]);
        await AssertQueryIdsAsync(store, new CertificateQuery { After = ascii }, [bmp, astral]);
    }

    [Fact]
    public async Task The_fingerprint_filter_folds_ascii_letters_only()
    {
        var store = await NewStoreAsync();
        string fingerprint = "\u00e9a" + new string('0', 62); // "éa000…"
        var record = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary()) with { FingerprintSha256 = fingerprint };
        await store.AddAsync(record, NoCancellation);

        await AssertQueryIdsAsync(store, new CertificateQuery { FingerprintSha256 = fingerprint }, [record.Id]);
        await AssertQueryIdsAsync(store, new CertificateQuery { FingerprintSha256 = "\u00e9A" + new string('0', 62) }, [record.Id]);
        await AssertQueryIdsAsync(store, new CertificateQuery { FingerprintSha256 = "\u00c9a" + new string('0', 62) }, []); // É is not folded
    }

    // ---- query filters ------------------------------------------------------------------------------------------

    [Fact]
    public async Task Query_without_filters_returns_every_record()
    {
        var (store, all, _, _) = await SeedVariedAsync();
        await AssertQueryMatchesAsync(store, all, new CertificateQuery(), _ => true, requireProperSubset: false);
    }

    [Fact]
    public async Task Query_by_AuthorityId_returns_exactly_that_CAs_records()
    {
        var (store, all, first, _) = await SeedVariedAsync();
        await AssertQueryMatchesAsync(store, all, new CertificateQuery { AuthorityId = first.Id }, r => r.CertificateAuthority.Id == first.Id);
    }

    [Fact]
    public async Task Query_by_AuthorityId_of_an_unknown_CA_returns_nothing()
    {
        var (store, _, _, _) = await SeedVariedAsync();
        await AssertQueryIdsAsync(store, new CertificateQuery { AuthorityId = ConformanceRecords.NewId() }, []);
    }

    [Fact]
    public async Task Query_by_Organization_returns_exactly_the_records_that_organization_owns()
    {
        var (store, all, _, _) = await SeedVariedAsync();
        await AssertQueryMatchesAsync(store, all, new CertificateQuery { Organization = "Globex" }, r => r.OwnerOrganization == "Globex");
    }

    [Theory]
    [InlineData(CertificateStatus.Active)]
    [InlineData(CertificateStatus.OnHold)]
    [InlineData(CertificateStatus.Revoked)]
    [InlineData(CertificateStatus.PendingRevocation)]
    [InlineData(CertificateStatus.PendingReactivation)]
    public async Task Query_by_Status_returns_exactly_the_records_with_that_status(CertificateStatus status)
    {
        var (store, all, _, _) = await SeedVariedAsync();
        await AssertQueryMatchesAsync(store, all, new CertificateQuery { Status = status }, r => r.Status == status);
    }

    [Theory]
    [InlineData(CertificateType.Server)]
    [InlineData(CertificateType.Client)]
    [InlineData(CertificateType.Dual)]
    [InlineData(CertificateType.CertificateAuthority)]
    public async Task Query_by_Type_returns_exactly_the_records_of_that_type(CertificateType type)
    {
        var (store, all, _, _) = await SeedVariedAsync();
        await AssertQueryMatchesAsync(store, all, new CertificateQuery { Type = type }, r => r.Type == type);
    }

    [Fact]
    public async Task Query_by_ExpiresOnOrAfter_includes_a_record_expiring_exactly_then()
    {
        var (store, all, _, _) = await SeedVariedAsync();
        var boundary = all[17].ExpiresOn;
        await AssertQueryMatchesAsync(store, all, new CertificateQuery { ExpiresOnOrAfter = boundary }, r => r.ExpiresOn >= boundary);
        await AssertQueryContainsAsync(store, new CertificateQuery { ExpiresOnOrAfter = boundary }, all[17].Id, expected: true);
    }

    [Fact]
    public async Task Query_by_ExpiresBefore_excludes_a_record_expiring_exactly_then()
    {
        var (store, all, _, _) = await SeedVariedAsync();
        var boundary = all[17].ExpiresOn;
        await AssertQueryMatchesAsync(store, all, new CertificateQuery { ExpiresBefore = boundary }, r => r.ExpiresOn < boundary);
        await AssertQueryContainsAsync(store, new CertificateQuery { ExpiresBefore = boundary }, all[17].Id, expected: false);
    }

    [Fact]
    public async Task Query_by_an_expiry_window_returns_exactly_the_records_inside_it()
    {
        var (store, all, _, _) = await SeedVariedAsync();
        var from = all[11].ExpiresOn;
        var to = all[40].ExpiresOn;
        await AssertQueryMatchesAsync(
            store, all, new CertificateQuery { ExpiresOnOrAfter = from, ExpiresBefore = to }, r => r.ExpiresOn >= from && r.ExpiresOn < to);
    }

    [Fact]
    public async Task Query_by_SerialNumber_returns_the_records_with_that_serial_under_every_CA()
    {
        var (store, all, _, _) = await SeedVariedAsync();
        var serial = all[0].SerialNumber;
        await AssertQueryMatchesAsync(store, all, new CertificateQuery { SerialNumber = serial }, r => r.SerialNumber == serial);
        Assert.Equal(2, all.Count(r => r.SerialNumber == serial));
    }

    [Fact]
    public async Task Query_by_SerialNumber_and_AuthorityId_returns_the_one_record()
    {
        var (store, all, _, second) = await SeedVariedAsync();
        var serial = all[0].SerialNumber;
        await AssertQueryMatchesAsync(
            store, all, new CertificateQuery { SerialNumber = serial, AuthorityId = second.Id },
            r => r.SerialNumber == serial && r.CertificateAuthority.Id == second.Id);
    }

    [Fact]
    public async Task Query_by_FingerprintSha256_returns_exactly_that_certificate()
    {
        var (store, all, _, _) = await SeedVariedAsync();
        string fingerprint = all[23].FingerprintSha256;
        await AssertQueryMatchesAsync(store, all, new CertificateQuery { FingerprintSha256 = fingerprint }, r => r.FingerprintSha256 == fingerprint);
    }

    [Fact]
    public async Task Query_with_several_filters_returns_their_intersection()
    {
        var (store, all, first, _) = await SeedVariedAsync();
        var query = new CertificateQuery
        {
            AuthorityId = first.Id,
            Organization = "Acme Corp",
            Status = CertificateStatus.Active,
            ExpiresOnOrAfter = all[10].ExpiresOn,
        };
        await AssertQueryMatchesAsync(
            store, all, query,
            r => r.CertificateAuthority.Id == first.Id && r.OwnerOrganization == "Acme Corp" && r.Status == CertificateStatus.Active
                && r.ExpiresOn >= all[10].ExpiresOn);
    }

    [Fact]
    public async Task Query_returns_complete_records()
    {
        var (store, all, _, _) = await SeedVariedAsync();
        var results = await ReadAsync(store.QueryAsync(new CertificateQuery { Limit = 1000 }, NoCancellation));
        var byId = all.ToDictionary(r => r.Id, StringComparer.Ordinal);
        Assert.Equal(all.Count, results.Count);
        foreach (var result in results)
        {
            AssertSameRecord(byId[result.Id], result);
        }
    }

    // ---- ordering and paging ------------------------------------------------------------------------------------

    [Fact]
    public async Task Query_results_are_ordered_by_id_ordinal_whatever_the_insertion_order()
    {
        var store = await NewStoreAsync();
        var authority = ConformanceRecords.NewAuthoritySummary();
        var ids = Enumerable.Range(0, 40).Select(_ => ConformanceRecords.NewScatteredId()).ToList();
        foreach (string id in ids)
        {
            await store.AddAsync(ConformanceRecords.Certificate(authority, id: id), NoCancellation);
        }

        var results = await ReadAsync(store.QueryAsync(new CertificateQuery { Limit = 1000 }, NoCancellation));

        Assert.Equal(SortedOrdinal(ids), results.Select(r => r.Id));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(29)]
    public async Task Query_returns_at_most_Limit_records_the_lowest_ids_first(int limit)
    {
        var (store, all, _, _) = await SeedVariedAsync();

        var results = await ReadAsync(store.QueryAsync(new CertificateQuery { Limit = limit }, NoCancellation));

        Assert.Equal(SortedOrdinal(all.Select(r => r.Id)).Take(limit), results.Select(r => r.Id));
    }

    [Fact]
    public async Task Query_after_an_id_returns_only_greater_ids_even_when_that_id_is_not_stored()
    {
        var (store, all, _, _) = await SeedVariedAsync();
        var sorted = SortedOrdinal(all.Select(r => r.Id));
        string stored = sorted[20];
        string notStored = sorted[20] + "0"; // sorts between sorted[20] and sorted[21]

        var afterStored = await ReadAsync(store.QueryAsync(new CertificateQuery { After = stored, Limit = 1000 }, NoCancellation));
        var afterNotStored = await ReadAsync(store.QueryAsync(new CertificateQuery { After = notStored, Limit = 1000 }, NoCancellation));

        Assert.Equal(sorted.Skip(21), afterStored.Select(r => r.Id));
        Assert.Equal(sorted.Skip(21), afterNotStored.Select(r => r.Id));
        Assert.Empty(await ReadAsync(store.QueryAsync(new CertificateQuery { After = sorted[^1] }, NoCancellation)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(60)]
    public async Task Paging_with_After_and_Limit_visits_every_record_exactly_once_in_order(int pageSize)
    {
        var (store, all, _, _) = await SeedVariedAsync();

        var visited = await ReadAllPagesAsync(
            (after, limit) => store.QueryAsync(new CertificateQuery { After = after, Limit = limit }, NoCancellation), r => r.Id, pageSize);

        Assert.Equal(SortedOrdinal(all.Select(r => r.Id)), visited.Select(r => r.Id));
    }

    [Fact]
    public async Task Paging_with_a_filter_visits_every_matching_record_exactly_once_in_order()
    {
        var (store, all, first, _) = await SeedVariedAsync();

        var visited = await ReadAllPagesAsync(
            (after, limit) => store.QueryAsync(new CertificateQuery { AuthorityId = first.Id, After = after, Limit = limit }, NoCancellation),
            r => r.Id,
            pageSize: 4);

        Assert.Equal(SortedOrdinal(all.Where(r => r.CertificateAuthority.Id == first.Id).Select(r => r.Id)), visited.Select(r => r.Id));
    }

    [Fact]
    public async Task Paging_is_stable_while_records_are_added_between_pages()
    {
        var store = await NewStoreAsync();
        var authority = ConformanceRecords.NewAuthoritySummary();
        var existing = Enumerable.Range(0, 50).Select(_ => ConformanceRecords.Certificate(authority, id: ConformanceRecords.NewScatteredId())).ToList();
        foreach (var record in existing)
        {
            await store.AddAsync(record, NoCancellation);
        }

        const int PageSize = 6;
        var visited = new List<string>();
        var mustAppear = new List<string>(existing.Select(r => r.Id));
        var mustNotAppear = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await ReadAsync(store.QueryAsync(new CertificateQuery { After = after, Limit = PageSize }, NoCancellation));
            Assert.True(page.Count <= PageSize);
            visited.AddRange(page.Select(r => r.Id));
            if (page.Count < PageSize)
            {
                break;
            }

            after = page[^1].Id;

            // New records land anywhere: those after the cursor must still be reached, those before it never are.
            for (int i = 0; i < 3; i++)
            {
                var added = ConformanceRecords.Certificate(authority, id: ConformanceRecords.NewScatteredId());
                await store.AddAsync(added, NoCancellation);
                (string.CompareOrdinal(added.Id, after) > 0 ? mustAppear : mustNotAppear).Add(added.Id);
            }
        }

        AssertStrictlyAscending(visited);
        Assert.Equal(SortedOrdinal(mustAppear), visited);
        Assert.DoesNotContain(visited, mustNotAppear.Contains);
    }

    [Property(MaxTest = 40, Arbitrary = new[] { typeof(ConformanceArbitraries) })]
    public async Task Paging_any_set_of_records_with_any_page_size_returns_exactly_the_set_sorted_by_id(PagingScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var store = await NewStoreAsync();
        AuthoritySummary[] authorities = [ConformanceRecords.NewAuthoritySummary(), ConformanceRecords.NewAuthoritySummary()];
        for (int i = 0; i < scenario.Ids.Count; i++)
        {
            await store.AddAsync(ConformanceRecords.Certificate(authorities[i % 2], id: scenario.Ids[i]), NoCancellation);
        }

        var visited = await ReadAllPagesAsync(
            (after, limit) => store.QueryAsync(new CertificateQuery { After = after, Limit = limit }, NoCancellation), r => r.Id, scenario.PageSize);

        Assert.Equal(SortedOrdinal(scenario.Ids), visited.Select(r => r.Id));
    }

    // ---- cancellation -------------------------------------------------------------------------------------------

    [Fact]
    public async Task Query_with_a_cancelled_token_throws_OperationCanceledException()
    {
        var (store, _, _, _) = await SeedVariedAsync();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await ReadAsync(store.QueryAsync(new CertificateQuery(), cancellation.Token)));
    }

    [Fact]
    public async Task Query_with_a_cancelled_token_throws_even_when_nothing_matches()
    {
        var (store, _, _, _) = await SeedVariedAsync();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await ReadAsync(store.QueryAsync(new CertificateQuery { AuthorityId = ConformanceRecords.NewId() }, cancellation.Token)));
    }

    // ---- concurrency --------------------------------------------------------------------------------------------

    [Fact]
    public async Task Concurrent_adds_from_many_tasks_all_land()
    {
        const int Tasks = 32;
        const int PerTask = 50;
        var store = await NewStoreAsync();
        var authority = ConformanceRecords.NewAuthoritySummary();
        var batches = Enumerable.Range(0, Tasks)
            .Select(_ => Enumerable.Range(0, PerTask).Select(_ => ConformanceRecords.Certificate(authority)).ToList())
            .ToList();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var writers = batches.Select(batch => Task.Run(async () =>
        {
            await start.Task;
            foreach (var record in batch)
            {
                await store.AddAsync(record, NoCancellation);
            }
        })).ToList();
        start.SetResult();
        await Task.WhenAll(writers);

        var expected = batches.SelectMany(b => b).ToList();
        var visited = await ReadAllPagesAsync(
            (after, limit) => store.QueryAsync(new CertificateQuery { After = after, Limit = limit }, NoCancellation), r => r.Id, 1000);
        Assert.Equal(SortedOrdinal(expected.Select(r => r.Id)), visited.Select(r => r.Id));
        foreach (var record in expected.Where((_, i) => i % 97 == 0))
        {
            AssertSameRecord(record, await store.FindBySerialNumberAsync(authority.Id, record.SerialNumber, NoCancellation));
        }
    }

    [Fact]
    public async Task Concurrent_adds_of_the_same_CA_and_serial_let_exactly_one_win()
    {
        const int Contenders = 32;
        var store = await NewStoreAsync();
        var authority = ConformanceRecords.NewAuthoritySummary();
        var serial = ConformanceRecords.NewSerialNumber();
        var contenders = Enumerable.Range(0, Contenders).Select(_ => ConformanceRecords.Certificate(authority, serialNumber: serial)).ToList();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var attempts = contenders.Select(record => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                await store.AddAsync(record, NoCancellation);
                return true;
            }
            catch (PkiException e) when (e.Code == PkiErrorCode.DuplicateSerialNumber)
            {
                return false;
            }
        })).ToList();
        start.SetResult();
        bool[] outcomes = await Task.WhenAll(attempts);

        Assert.Equal(1, outcomes.Count(won => won));
        var winner = contenders[Array.IndexOf(outcomes, true)];
        AssertSameRecord(winner, await store.FindBySerialNumberAsync(authority.Id, serial, NoCancellation));
        await AssertQueryIdsAsync(store, new CertificateQuery(), [winner.Id]);
        foreach (var loser in contenders.Where(c => c.Id != winner.Id))
        {
            Assert.Null(await store.GetAsync(loser.Id, NoCancellation));
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /// <summary>Fails unless <paramref name="actual"/> equals <paramref name="expected"/> field by field.</summary>
    protected static void AssertSameRecord(CertificateRecord expected, CertificateRecord? actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.CertificatePem, actual.CertificatePem);
        Assert.Equal(expected.CertificateAuthority, actual.CertificateAuthority);
        Assert.Equal(expected.Subject, actual.Subject);
        Assert.Equal(expected.Subject.Components, actual.Subject.Components);
        Assert.Equal(expected.SubjectAlternativeNames, actual.SubjectAlternativeNames);
        Assert.Equal(expected.Csr, actual.Csr);
        Assert.Equal(expected.IssuedOn, actual.IssuedOn);
        Assert.Equal(expected.ExpiresOn, actual.ExpiresOn);
        Assert.Equal(expected.ValidityDays, actual.ValidityDays);
        Assert.Equal(expected.SerialNumber, actual.SerialNumber);
        Assert.Equal(expected.SerialNumberHex, actual.SerialNumberHex);
        Assert.Equal(expected.FingerprintSha256, actual.FingerprintSha256);
        Assert.Equal(expected.SubjectKeyIdentifier, actual.SubjectKeyIdentifier);
        Assert.Equal(expected.SignatureAlgorithm, actual.SignatureAlgorithm);
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal(expected.Profile, actual.Profile);
        Assert.Equal(expected.PublicKeyAlgorithm, actual.PublicKeyAlgorithm);
        Assert.Equal(expected.PublicKeySize, actual.PublicKeySize);
        Assert.Equal(expected.OwnerOrganization, actual.OwnerOrganization);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.RevokedAt, actual.RevokedAt);
        Assert.Equal(expected.TokenId, actual.TokenId);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.PrivateKeyId, actual.PrivateKeyId);
        Assert.Equal(expected, actual);
    }

    /// <summary>
    /// Stores 60 records under two CAs, inserted in reverse id order: owners cycle Acme Corp / Globex / none, statuses
    /// and types cycle through every value, expiry grows by one hour per record, and records 0 and 1 share a serial.
    /// </summary>
    private async Task<(ICertificateStore Store, List<CertificateRecord> All, AuthoritySummary First, AuthoritySummary Second)> SeedVariedAsync()
    {
        var store = await NewStoreAsync();
        var first = ConformanceRecords.NewAuthoritySummary();
        var second = ConformanceRecords.NewAuthoritySummary();
        string?[] owners = ["Acme Corp", "Globex", null];
        var statuses = Enum.GetValues<CertificateStatus>();
        var types = Enum.GetValues<CertificateType>();
        var sharedSerial = ConformanceRecords.NewSerialNumber();
        var all = new List<CertificateRecord>();
        for (int i = 0; i < 60; i++)
        {
            var record = ConformanceRecords.Certificate(i % 2 == 0 ? first : second, serialNumber: i < 2 ? sharedSerial : null, ownerOrganization: owners[i % 3]) with
            {
                Status = statuses[i % statuses.Length],
                Type = types[i % types.Length],
                ExpiresOn = ConformanceRecords.BaseTime.AddDays(30).AddHours(i),
            };
            all.Add(record);
        }

        foreach (var record in all.OrderByDescending(r => r.Id, StoreIdOrder.Instance))
        {
            await store.AddAsync(record, NoCancellation);
        }

        return (store, all, first, second);
    }

    private static async Task AssertQueryMatchesAsync(
        ICertificateStore store,
        List<CertificateRecord> all,
        CertificateQuery query,
        Func<CertificateRecord, bool> expected,
        bool requireProperSubset = true)
    {
        var expectedIds = SortedOrdinal(all.Where(expected).Select(r => r.Id));
        if (requireProperSubset)
        {
            // Guards the test data: a filter that keeps everything or nothing would prove little.
            Assert.NotEmpty(expectedIds);
            Assert.True(expectedIds.Count < all.Count, "The sample data should contain records the filter rejects.");
        }

        await AssertQueryIdsAsync(store, query, expectedIds);
    }

    private static async Task AssertQueryIdsAsync(ICertificateStore store, CertificateQuery query, IReadOnlyList<string> expectedIds)
    {
        var results = await ReadAsync(store.QueryAsync(query with { Limit = 1000 }, NoCancellation));
        Assert.Equal(expectedIds, results.Select(r => r.Id));
    }

    private static async Task AssertQueryContainsAsync(ICertificateStore store, CertificateQuery query, string id, bool expected)
    {
        var results = await ReadAsync(store.QueryAsync(query with { Limit = 1000 }, NoCancellation));
        Assert.Equal(expected, results.Any(r => r.Id == id));
    }
}
