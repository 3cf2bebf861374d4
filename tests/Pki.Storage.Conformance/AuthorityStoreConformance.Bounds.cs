using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>Bounds every store applies alike: the length of indexed text (<see cref="StoreInputRules.MaximumIndexedLength"/>).</summary>
public abstract partial class AuthorityStoreConformance
{
    /// <summary>Every indexed text member of <see cref="AuthorityRecord"/>, with a length just over the bound and one far over PostgreSQL's index limit.</summary>
    public static TheoryData<string, int> IndexedAuthorityMembers()
    {
        var data = new TheoryData<string, int>();
        foreach (string member in new[] { nameof(AuthorityRecord.Id), nameof(AuthorityRecord.Name), nameof(AuthorityRecord.Organization), nameof(AuthorityRecord.ParentId) })
        {
            data.Add(member, HostileText.IndexedBound + 1);
            data.Add(member, 1_000);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(IndexedAuthorityMembers))]
    public async Task Add_and_Update_refuse_indexed_text_over_the_bound_with_InvalidRequest_naming_the_member_and_change_nothing(string member, int length)
    {
        var store = await NewStoreAsync();
        var stored = ConformanceRecords.Authority();
        await store.AddAsync(stored, NoCancellation);

        await HostileText.AssertRefusedAsync(
            async () => await store.AddAsync(WithText(ConformanceRecords.Authority(), member, HostileText.LongText(length)), NoCancellation), member);
        if (member != nameof(AuthorityRecord.Id))
        {
            await HostileText.AssertRefusedAsync(async () => await store.UpdateAsync(WithText(stored, member, HostileText.LongText(length)), NoCancellation), member);
        }

        Assert.Equal([stored.Id], (await ReadAsync(store.ListAsync(new AuthorityQuery(), NoCancellation))).Select(a => a.Id));
        AssertSameRecord(stored, await store.GetAsync(stored.Id, NoCancellation));
    }

    [Theory]
    [InlineData(nameof(AuthorityRecord.Organization), nameof(AuthorityRecord.Name))]
    [InlineData(nameof(AuthorityRecord.Organization), nameof(AuthorityRecord.Id))]
    [InlineData(nameof(AuthorityRecord.ParentId), nameof(AuthorityRecord.Id))]
    public async Task Add_refuses_two_members_one_index_combines_over_the_bound_together(string first, string second)
    {
        var store = await NewStoreAsync();
        int half = (HostileText.IndexedBound / 2) + 1;
        var hostile = WithText(WithText(ConformanceRecords.Authority(), first, HostileText.LongText(half, 1)), second, HostileText.LongText(half, 2));

        await HostileText.AssertRefusedAsync(async () => await store.AddAsync(hostile, NoCancellation), first + " and " + second);

        Assert.Empty(await ReadAsync(store.ListAsync(new AuthorityQuery(), NoCancellation)));
    }

    [Fact]
    public async Task Indexed_text_at_the_bound_round_trips_and_is_found()
    {
        var store = await NewStoreAsync();
        var authority = ConformanceRecords.Authority();
        authority = authority with
        {
            Organization = HostileText.LongText(200, 2),
            Name = HostileText.LongText(HostileText.IndexedBound - 200, 3),
            ParentId = HostileText.LongText(HostileText.IndexedBound - authority.Id.Length, 4),
            IsRoot = false,
        };

        await store.AddAsync(authority, NoCancellation);

        AssertSameRecord(authority, await store.GetAsync(authority.Id, NoCancellation));
        AssertSameRecord(authority, await store.FindByNameAsync(authority.Name, authority.Organization, NoCancellation));
        Assert.Equal([authority.Id], (await ReadAsync(store.ListAsync(new AuthorityQuery { Organization = authority.Organization, ParentId = authority.ParentId }, NoCancellation))).Select(a => a.Id));
        var renamed = authority with { Name = HostileText.LongText(HostileText.IndexedBound - 200, 5) };
        await store.UpdateAsync(renamed, NoCancellation);
        AssertSameRecord(renamed, await store.FindByNameAsync(renamed.Name, renamed.Organization, NoCancellation));
    }

    [Fact]
    public async Task A_name_at_the_bound_without_an_organization_round_trips_and_is_found()
    {
        var store = await NewStoreAsync();
        var authority = ConformanceRecords.Authority(organization: null) with { Name = HostileText.LongText(HostileText.IndexedBound, 6) };

        await store.AddAsync(authority, NoCancellation);

        AssertSameRecord(authority, await store.FindByNameAsync(authority.Name, null, NoCancellation));
    }

    [Fact]
    public async Task Lookups_and_filters_with_text_over_the_bound_find_nothing()
    {
        var store = await NewStoreAsync();
        var authority = ConformanceRecords.Authority();
        await store.AddAsync(authority, NoCancellation);
        string tooLong = HostileText.LongText(1_000);

        Assert.Null(await store.GetAsync(authority.Id + tooLong, NoCancellation));
        Assert.Null(await store.FindByNameAsync(authority.Name + tooLong, authority.Organization, NoCancellation));
        Assert.Null(await store.FindByNameAsync(authority.Name, authority.Organization + tooLong, NoCancellation));
        Assert.Empty(await ReadAsync(store.ListAsync(new AuthorityQuery { Organization = authority.Organization + tooLong }, NoCancellation)));
        Assert.Empty(await ReadAsync(store.ListAsync(new AuthorityQuery { ParentId = tooLong }, NoCancellation)));
    }

    [Fact]
    public async Task A_CA_whose_parent_no_store_holds_is_accepted_alike()
    {
        // The authority store has no foreign key from a CA to its parent: the engine checks the chain.
        var store = await NewStoreAsync();
        var orphan = ConformanceRecords.Authority(parentId: ConformanceRecords.NewId());

        await store.AddAsync(orphan, NoCancellation);

        AssertSameRecord(orphan, await store.GetAsync(orphan.Id, NoCancellation));
    }
}
