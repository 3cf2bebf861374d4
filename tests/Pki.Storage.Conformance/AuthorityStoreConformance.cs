using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>
/// The guarantees every <see cref="IAuthorityStore"/> makes. A provider's test project derives from this class and
/// implements <see cref="CreateStoreAsync"/>; every test gets a fresh, empty store.
/// </summary>
public abstract partial class AuthorityStoreConformance : StoreConformanceBase
{
    /// <summary>Creates a fresh, empty store. If it is disposable, it is disposed after the test.</summary>
    protected abstract ValueTask<IAuthorityStore> CreateStoreAsync();

    private async Task<IAuthorityStore> NewStoreAsync() => Track(await CreateStoreAsync());

    // ---- add / get / find ---------------------------------------------------------------------------------------

    [Fact]
    public async Task Add_then_Get_returns_an_equal_record_with_every_field()
    {
        var store = await NewStoreAsync();
        var root = ConformanceRecords.Authority();
        var intermediate = ConformanceRecords.Authority(parentId: root.Id) with { Status = AuthorityStatus.Revoked };

        await store.AddAsync(root, NoCancellation);
        await store.AddAsync(intermediate, NoCancellation);

        AssertSameRecord(root, await store.GetAsync(root.Id, NoCancellation));
        AssertSameRecord(intermediate, await store.GetAsync(intermediate.Id, NoCancellation));
    }

    [Fact]
    public async Task Add_then_Get_round_trips_optional_fields_left_null()
    {
        var store = await NewStoreAsync();
        var authority = ConformanceRecords.Authority(organization: null) with
        {
            PathLengthConstraint = null,
            CrlDistributionPoint = null,
            DeltaCrlDistributionPoint = null,
            OcspResponder = null,
            CaIssuers = null,
        };

        await store.AddAsync(authority, NoCancellation);

        AssertSameRecord(authority, await store.GetAsync(authority.Id, NoCancellation));
    }

    [Fact]
    public async Task FindByName_of_a_null_name_throws_ArgumentNullException()
    {
        var store = await NewStoreAsync();

        await Assert.ThrowsAsync<ArgumentNullException>(async () => await store.FindByNameAsync(null!, null, NoCancellation));
    }

    [Fact]
    public async Task Get_of_an_unknown_id_returns_null()
    {
        var store = await NewStoreAsync();
        await store.AddAsync(ConformanceRecords.Authority(), NoCancellation);

        Assert.Null(await store.GetAsync(ConformanceRecords.NewId(), NoCancellation));
    }

    [Fact]
    public async Task FindByName_returns_the_CA_with_that_name_in_that_organization_only()
    {
        var store = await NewStoreAsync();
        var authority = ConformanceRecords.Authority(name: "Issuing CA 1", organization: "Acme Corp");
        await store.AddAsync(authority, NoCancellation);

        AssertSameRecord(authority, await store.FindByNameAsync("Issuing CA 1", "Acme Corp", NoCancellation));
        Assert.Null(await store.FindByNameAsync("Issuing CA 1", "Globex", NoCancellation));
        Assert.Null(await store.FindByNameAsync("Issuing CA 1", null, NoCancellation));
        Assert.Null(await store.FindByNameAsync("Issuing CA 2", "Acme Corp", NoCancellation));
    }

    [Fact]
    public async Task FindByName_with_a_null_organization_finds_only_CAs_without_one()
    {
        var store = await NewStoreAsync();
        var owned = ConformanceRecords.Authority(name: "Root", organization: "Acme Corp");
        var unowned = ConformanceRecords.Authority(name: "Root", organization: null);
        await store.AddAsync(owned, NoCancellation);

        Assert.Null(await store.FindByNameAsync("Root", null, NoCancellation));

        await store.AddAsync(unowned, NoCancellation);

        AssertSameRecord(unowned, await store.FindByNameAsync("Root", null, NoCancellation));
        AssertSameRecord(owned, await store.FindByNameAsync("Root", "Acme Corp", NoCancellation));
    }

    // ---- uniqueness ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task Add_of_a_name_taken_in_the_same_organization_throws_Conflict_and_changes_nothing()
    {
        var store = await NewStoreAsync();
        var original = ConformanceRecords.Authority(name: "Issuing CA", organization: "Acme Corp");
        var duplicate = ConformanceRecords.Authority(name: "Issuing CA", organization: "Acme Corp", parentId: ConformanceRecords.NewId());
        await store.AddAsync(original, NoCancellation);

        var error = await Assert.ThrowsAnyAsync<PkiException>(async () => await store.AddAsync(duplicate, NoCancellation));

        Assert.Equal(PkiErrorCode.Conflict, error.Code);
        AssertSameRecord(original, await store.FindByNameAsync("Issuing CA", "Acme Corp", NoCancellation));
        Assert.Null(await store.GetAsync(duplicate.Id, NoCancellation));
        await AssertListIdsAsync(store, new AuthorityQuery(), [original.Id]);
        await AssertListIdsAsync(store, new AuthorityQuery { ParentId = duplicate.ParentId }, []);
    }

    [Fact]
    public async Task Add_of_a_name_taken_among_CAs_without_organization_throws_Conflict()
    {
        var store = await NewStoreAsync();
        var original = ConformanceRecords.Authority(name: "Shared Root", organization: null);
        var duplicate = ConformanceRecords.Authority(name: "Shared Root", organization: null);
        await store.AddAsync(original, NoCancellation);

        var error = await Assert.ThrowsAnyAsync<PkiException>(async () => await store.AddAsync(duplicate, NoCancellation));

        Assert.Equal(PkiErrorCode.Conflict, error.Code);
        AssertSameRecord(original, await store.FindByNameAsync("Shared Root", null, NoCancellation));
        Assert.Null(await store.GetAsync(duplicate.Id, NoCancellation));
        await AssertListIdsAsync(store, new AuthorityQuery(), [original.Id]);
    }

    [Fact]
    public async Task The_same_name_in_another_organization_or_without_one_is_accepted()
    {
        var store = await NewStoreAsync();
        var acme = ConformanceRecords.Authority(name: "Issuing CA", organization: "Acme Corp");
        var globex = ConformanceRecords.Authority(name: "Issuing CA", organization: "Globex");
        var unowned = ConformanceRecords.Authority(name: "Issuing CA", organization: null);

        await store.AddAsync(acme, NoCancellation);
        await store.AddAsync(globex, NoCancellation);
        await store.AddAsync(unowned, NoCancellation);

        AssertSameRecord(acme, await store.FindByNameAsync("Issuing CA", "Acme Corp", NoCancellation));
        AssertSameRecord(globex, await store.FindByNameAsync("Issuing CA", "Globex", NoCancellation));
        AssertSameRecord(unowned, await store.FindByNameAsync("Issuing CA", null, NoCancellation));
    }

    [Fact]
    public async Task Add_of_an_existing_id_throws_Conflict_and_changes_nothing()
    {
        var store = await NewStoreAsync();
        var original = ConformanceRecords.Authority(organization: "Acme Corp");
        var sameId = ConformanceRecords.Authority(organization: "Globex", id: original.Id);
        await store.AddAsync(original, NoCancellation);

        var error = await Assert.ThrowsAnyAsync<PkiException>(async () => await store.AddAsync(sameId, NoCancellation));

        Assert.Equal(PkiErrorCode.Conflict, error.Code);
        AssertSameRecord(original, await store.GetAsync(original.Id, NoCancellation));
        Assert.Null(await store.FindByNameAsync(sameId.Name, "Globex", NoCancellation));
        await AssertListIdsAsync(store, new AuthorityQuery { Organization = "Globex" }, []);
        await AssertListIdsAsync(store, new AuthorityQuery(), [original.Id]);
    }

    [Fact]
    public async Task Concurrent_adds_of_the_same_name_in_an_organization_let_exactly_one_win()
    {
        const int Contenders = 32;
        var store = await NewStoreAsync();
        var contenders = Enumerable.Range(0, Contenders).Select(_ => ConformanceRecords.Authority(name: "Contested", organization: "Acme Corp")).ToList();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var attempts = contenders.Select(record => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                await store.AddAsync(record, NoCancellation);
                return true;
            }
            catch (PkiException e) when (e.Code == PkiErrorCode.Conflict)
            {
                return false;
            }
        })).ToList();
        start.SetResult();
        bool[] outcomes = await Task.WhenAll(attempts);

        Assert.Equal(1, outcomes.Count(won => won));
        var winner = contenders[Array.IndexOf(outcomes, true)];
        AssertSameRecord(winner, await store.FindByNameAsync("Contested", "Acme Corp", NoCancellation));
        await AssertListIdsAsync(store, new AuthorityQuery(), [winner.Id]);
    }

    // ---- update -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Update_replaces_the_whole_record()
    {
        var store = await NewStoreAsync();
        var original = ConformanceRecords.Authority(organization: "Acme Corp");
        await store.AddAsync(original, NoCancellation);
        var replacement = ConformanceRecords.Authority(name: original.Name, organization: original.Organization, id: original.Id) with
        {
            Status = AuthorityStatus.Revoked,
            CrlDistributionPoint = new Uri("http://crl.example.net/new.crl"),
            DeltaCrlDistributionPoint = new Uri("http://crl.example.net/new-delta.crl"),
            OcspResponder = null,
        };

        await store.UpdateAsync(replacement, NoCancellation);

        AssertSameRecord(replacement, await store.GetAsync(original.Id, NoCancellation));
        AssertSameRecord(replacement, await store.FindByNameAsync(original.Name, original.Organization, NoCancellation));
        var listed = await ReadAsync(store.ListAsync(new AuthorityQuery(), NoCancellation));
        AssertSameRecord(replacement, Assert.Single(listed));
    }

    [Fact]
    public async Task Update_that_renames_moves_the_name_and_frees_the_old_one()
    {
        var store = await NewStoreAsync();
        var original = ConformanceRecords.Authority(name: "Old Name", organization: "Acme Corp");
        await store.AddAsync(original, NoCancellation);

        await store.UpdateAsync(original with { Name = "New Name" }, NoCancellation);

        Assert.Null(await store.FindByNameAsync("Old Name", "Acme Corp", NoCancellation));
        Assert.Equal(original.Id, (await store.FindByNameAsync("New Name", "Acme Corp", NoCancellation))?.Id);
        var reuse = ConformanceRecords.Authority(name: "Old Name", organization: "Acme Corp");
        await store.AddAsync(reuse, NoCancellation);
        AssertSameRecord(reuse, await store.FindByNameAsync("Old Name", "Acme Corp", NoCancellation));
    }

    [Fact]
    public async Task Update_of_an_unknown_id_throws_AuthorityNotFound_and_adds_nothing()
    {
        var store = await NewStoreAsync();
        var stranger = ConformanceRecords.Authority();

        var error = await Assert.ThrowsAnyAsync<PkiException>(async () => await store.UpdateAsync(stranger, NoCancellation));

        Assert.Equal(PkiErrorCode.AuthorityNotFound, error.Code);
        Assert.Null(await store.GetAsync(stranger.Id, NoCancellation));
        Assert.Null(await store.FindByNameAsync(stranger.Name, stranger.Organization, NoCancellation));
        await AssertListIdsAsync(store, new AuthorityQuery(), []);
    }

    [Fact]
    public async Task Update_to_a_name_taken_in_the_same_organization_throws_Conflict_and_changes_nothing()
    {
        var store = await NewStoreAsync();
        var first = ConformanceRecords.Authority(name: "First", organization: "Acme Corp");
        var second = ConformanceRecords.Authority(name: "Second", organization: "Acme Corp");
        await store.AddAsync(first, NoCancellation);
        await store.AddAsync(second, NoCancellation);

        var error = await Assert.ThrowsAnyAsync<PkiException>(
            async () => await store.UpdateAsync(second with { Name = "First", Status = AuthorityStatus.Revoked }, NoCancellation));

        Assert.Equal(PkiErrorCode.Conflict, error.Code);
        AssertSameRecord(first, await store.FindByNameAsync("First", "Acme Corp", NoCancellation));
        AssertSameRecord(second, await store.FindByNameAsync("Second", "Acme Corp", NoCancellation));
        AssertSameRecord(second, await store.GetAsync(second.Id, NoCancellation));
    }

    // ---- list ---------------------------------------------------------------------------------------------------

    [Fact]
    public async Task List_without_filters_returns_every_CA_ordered_by_id()
    {
        var (store, all) = await SeedTreeAsync();

        var listed = await ReadAsync(store.ListAsync(new AuthorityQuery { Limit = 1000 }, NoCancellation));

        Assert.Equal(SortedOrdinal(all.Select(a => a.Id)), listed.Select(a => a.Id));
        var byId = all.ToDictionary(a => a.Id, StringComparer.Ordinal);
        Assert.All(listed, a => AssertSameRecord(byId[a.Id], a));
    }

    [Theory]
    [InlineData("Acme Corp")]
    [InlineData("Globex")]
    public async Task List_by_Organization_returns_exactly_that_organizations_CAs(string organization)
    {
        var (store, all) = await SeedTreeAsync();
        await AssertListMatchesAsync(store, all, new AuthorityQuery { Organization = organization }, a => a.Organization == organization);
    }

    [Fact]
    public async Task List_by_ParentId_returns_exactly_the_children_of_that_CA()
    {
        var (store, all) = await SeedTreeAsync();
        string parentId = all[0].Id;
        await AssertListMatchesAsync(store, all, new AuthorityQuery { ParentId = parentId }, a => a.ParentId == parentId);
    }

    [Fact]
    public async Task List_by_Organization_and_ParentId_returns_their_intersection()
    {
        var (store, all) = await SeedTreeAsync();
        string parentId = all[0].Id;
        await AssertListMatchesAsync(
            store, all, new AuthorityQuery { Organization = "Globex", ParentId = parentId }, a => a.Organization == "Globex" && a.ParentId == parentId);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public async Task List_returns_at_most_Limit_CAs_the_lowest_ids_first(int limit)
    {
        var (store, all) = await SeedTreeAsync();

        var listed = await ReadAsync(store.ListAsync(new AuthorityQuery { Limit = limit }, NoCancellation));

        Assert.Equal(SortedOrdinal(all.Select(a => a.Id)).Take(limit), listed.Select(a => a.Id));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(100)]
    public async Task Paging_with_After_and_Limit_visits_every_CA_exactly_once_in_order(int pageSize)
    {
        var (store, all) = await SeedTreeAsync();

        var visited = await ReadAllPagesAsync(
            (after, limit) => store.ListAsync(new AuthorityQuery { After = after, Limit = limit }, NoCancellation), a => a.Id, pageSize);

        Assert.Equal(SortedOrdinal(all.Select(a => a.Id)), visited.Select(a => a.Id));
    }

    [Fact]
    public async Task Paging_with_a_filter_visits_every_matching_CA_exactly_once_in_order()
    {
        var (store, all) = await SeedTreeAsync();

        var visited = await ReadAllPagesAsync(
            (after, limit) => store.ListAsync(new AuthorityQuery { Organization = "Acme Corp", After = after, Limit = limit }, NoCancellation),
            a => a.Id,
            pageSize: 3);

        Assert.Equal(SortedOrdinal(all.Where(a => a.Organization == "Acme Corp").Select(a => a.Id)), visited.Select(a => a.Id));
    }

    [Fact]
    public async Task Paging_is_stable_while_CAs_are_added_between_pages()
    {
        var store = await NewStoreAsync();
        var existing = Enumerable.Range(0, 30).Select(_ => ConformanceRecords.Authority(id: ConformanceRecords.NewScatteredId())).ToList();
        foreach (var authority in existing)
        {
            await store.AddAsync(authority, NoCancellation);
        }

        const int PageSize = 4;
        var visited = new List<string>();
        var mustAppear = new List<string>(existing.Select(a => a.Id));
        var mustNotAppear = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await ReadAsync(store.ListAsync(new AuthorityQuery { After = after, Limit = PageSize }, NoCancellation));
            Assert.True(page.Count <= PageSize);
            visited.AddRange(page.Select(a => a.Id));
            if (page.Count < PageSize)
            {
                break;
            }

            after = page[^1].Id;
            for (int i = 0; i < 2; i++)
            {
                var added = ConformanceRecords.Authority(id: ConformanceRecords.NewScatteredId());
                await store.AddAsync(added, NoCancellation);
                (string.CompareOrdinal(added.Id, after) > 0 ? mustAppear : mustNotAppear).Add(added.Id);
            }
        }

        AssertStrictlyAscending(visited);
        Assert.Equal(SortedOrdinal(mustAppear), visited);
        Assert.DoesNotContain(visited, mustNotAppear.Contains);
    }

    [Fact]
    public async Task List_with_a_cancelled_token_throws_OperationCanceledException()
    {
        var (store, _) = await SeedTreeAsync();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await ReadAsync(store.ListAsync(new AuthorityQuery(), cancellation.Token)));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await ReadAsync(store.ListAsync(new AuthorityQuery { ParentId = ConformanceRecords.NewId() }, cancellation.Token)));
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /// <summary>Fails unless <paramref name="actual"/> equals <paramref name="expected"/> field by field.</summary>
    protected static void AssertSameRecord(AuthorityRecord expected, AuthorityRecord? actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Organization, actual.Organization);
        Assert.Equal(expected.ParentId, actual.ParentId);
        Assert.Equal(expected.IsRoot, actual.IsRoot);
        Assert.Equal(expected.Subject, actual.Subject);
        Assert.Equal(expected.CertificatePem, actual.CertificatePem);
        Assert.Equal(expected.KeyAlgorithm, actual.KeyAlgorithm);
        Assert.Equal(expected.KeyId, actual.KeyId);
        Assert.Equal(expected.SerialNumber, actual.SerialNumber);
        Assert.Equal(expected.NotBefore, actual.NotBefore);
        Assert.Equal(expected.NotAfter, actual.NotAfter);
        Assert.Equal(expected.SubjectKeyIdentifier, actual.SubjectKeyIdentifier);
        Assert.Equal(expected.FingerprintSha256, actual.FingerprintSha256);
        Assert.Equal(expected.PathLengthConstraint, actual.PathLengthConstraint);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.CrlDistributionPoint?.OriginalString, actual.CrlDistributionPoint?.OriginalString);
        Assert.Equal(expected.DeltaCrlDistributionPoint?.OriginalString, actual.DeltaCrlDistributionPoint?.OriginalString);
        Assert.Equal(expected.OcspResponder?.OriginalString, actual.OcspResponder?.OriginalString);
        Assert.Equal(expected.CaIssuers?.OriginalString, actual.CaIssuers?.OriginalString);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected, actual);
    }

    /// <summary>
    /// Stores two roots (Acme Corp, Globex) and under each six intermediates whose organizations alternate
    /// Acme Corp / Globex / none, inserted in reverse id order.
    /// </summary>
    private async Task<(IAuthorityStore Store, List<AuthorityRecord> All)> SeedTreeAsync()
    {
        var store = await NewStoreAsync();
        string?[] organizations = ["Acme Corp", "Globex", null];
        var roots = new[] { ConformanceRecords.Authority(organization: "Acme Corp"), ConformanceRecords.Authority(organization: "Globex") };
        var all = new List<AuthorityRecord>(roots);
        foreach (var root in roots)
        {
            for (int i = 0; i < 6; i++)
            {
                all.Add(ConformanceRecords.Authority(organization: organizations[i % 3], parentId: root.Id));
            }
        }

        foreach (var authority in all.OrderByDescending(a => a.Id, StoreIdOrder.Instance))
        {
            await store.AddAsync(authority, NoCancellation);
        }

        return (store, all);
    }

    private static async Task AssertListMatchesAsync(
        IAuthorityStore store, List<AuthorityRecord> all, AuthorityQuery query, Func<AuthorityRecord, bool> expected)
    {
        var expectedIds = SortedOrdinal(all.Where(expected).Select(a => a.Id));
        Assert.NotEmpty(expectedIds);
        Assert.True(expectedIds.Count < all.Count, "The sample data should contain CAs the filter rejects.");
        await AssertListIdsAsync(store, query, expectedIds);
    }

    private static async Task AssertListIdsAsync(IAuthorityStore store, AuthorityQuery query, IReadOnlyList<string> expectedIds)
    {
        var listed = await ReadAsync(store.ListAsync(query with { Limit = 1000 }, NoCancellation));
        Assert.Equal(expectedIds, listed.Select(a => a.Id));
    }
}
