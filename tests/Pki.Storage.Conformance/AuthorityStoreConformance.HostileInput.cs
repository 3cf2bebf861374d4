using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>Hostile input: text no store can hold, extreme query values.</summary>
public abstract partial class AuthorityStoreConformance
{
    /// <summary>Every text member of <see cref="AuthorityRecord"/> that reaches a store.</summary>
    public static TheoryData<string, string> HostileAuthorityMembers() => HostileText.Cross(
        nameof(AuthorityRecord.Id), nameof(AuthorityRecord.Name), nameof(AuthorityRecord.Organization), nameof(AuthorityRecord.ParentId),
        nameof(AuthorityRecord.CertificatePem), nameof(AuthorityRecord.KeyId), nameof(AuthorityRecord.AlternativeKeyId),
        nameof(AuthorityRecord.SubjectKeyIdentifier), nameof(AuthorityRecord.FingerprintSha256), "NameConstraints.PermittedDnsDomains",
        "NameConstraints.ExcludedEmailDomains", nameof(AuthorityRecord.CrlDistributionPoint),
        nameof(AuthorityRecord.DeltaCrlDistributionPoint));

    /// <summary>The kinds of <see cref="HostileText.UnstorableKinds"/>.</summary>
    public static TheoryData<string> HostileAuthorityKinds() => HostileText.Kinds();

    private static AuthorityRecord WithText(AuthorityRecord authority, string member, string value) => member switch
    {
        nameof(AuthorityRecord.Id) => authority with { Id = value },
        nameof(AuthorityRecord.Name) => authority with { Name = value },
        nameof(AuthorityRecord.Organization) => authority with { Organization = value },
        nameof(AuthorityRecord.ParentId) => authority with { ParentId = value },
        nameof(AuthorityRecord.CertificatePem) => authority with { CertificatePem = value },
        nameof(AuthorityRecord.KeyId) => authority with { KeyId = value },
        nameof(AuthorityRecord.AlternativeKeyId) => authority with { AlternativeKeyId = value, AlternativeKeyAlgorithm = KeyAlgorithm.EcdsaP256 },
        nameof(AuthorityRecord.SubjectKeyIdentifier) => authority with { SubjectKeyIdentifier = value },
        nameof(AuthorityRecord.FingerprintSha256) => authority with { FingerprintSha256 = value },
        "NameConstraints.PermittedDnsDomains" => authority with { NameConstraints = new NameConstraints { PermittedDnsDomains = ["example.com", value] } },
        "NameConstraints.ExcludedEmailDomains" => authority with { NameConstraints = new NameConstraints { ExcludedEmailDomains = [value] } },
        nameof(AuthorityRecord.CrlDistributionPoint) => authority with { CrlDistributionPoint = new Uri(value, UriKind.Relative) },
        nameof(AuthorityRecord.DeltaCrlDistributionPoint) => authority with { DeltaCrlDistributionPoint = new Uri(value, UriKind.Relative) },
        _ => throw new ArgumentOutOfRangeException(nameof(member), member, "Not a text member."),
    };

    [Theory]
    [MemberData(nameof(HostileAuthorityMembers))]
    public async Task Add_and_Update_refuse_text_no_store_can_hold_with_InvalidRequest_naming_the_member_and_change_nothing(string member, string kind)
    {
        var store = await NewStoreAsync();
        var stored = ConformanceRecords.Authority();
        await store.AddAsync(stored, NoCancellation);

        await HostileText.AssertRefusedAsync(
            async () => await store.AddAsync(WithText(ConformanceRecords.Authority(), member, HostileText.Unstorable(kind)), NoCancellation), member);
        if (member != nameof(AuthorityRecord.Id))
        {
            await HostileText.AssertRefusedAsync(async () => await store.UpdateAsync(WithText(stored, member, HostileText.Unstorable(kind)), NoCancellation), member);
        }

        Assert.Equal([stored.Id], (await ReadAsync(store.ListAsync(new AuthorityQuery(), NoCancellation))).Select(a => a.Id));
        AssertSameRecord(stored, await store.GetAsync(stored.Id, NoCancellation));
    }

    [Fact]
    public async Task Add_and_Update_refuse_undefined_enum_values_with_InvalidRequest()
    {
        var store = await NewStoreAsync();
        var stored = ConformanceRecords.Authority();
        await store.AddAsync(stored, NoCancellation);

        foreach (int value in new[] { -1, 999, short.MaxValue + 1, int.MaxValue })
        {
            var badStatus = stored with { Status = (AuthorityStatus)value };
            var badKey = stored with { KeyAlgorithm = (KeyAlgorithm)value };
            await HostileText.AssertRefusedAsync(async () => await store.UpdateAsync(badStatus, NoCancellation), nameof(AuthorityRecord.Status));
            await HostileText.AssertRefusedAsync(async () => await store.UpdateAsync(badKey, NoCancellation), nameof(AuthorityRecord.KeyAlgorithm));
            await HostileText.AssertRefusedAsync(async () => await store.AddAsync(badStatus with { Id = ConformanceRecords.NewId(), Name = "other" }, NoCancellation), nameof(AuthorityRecord.Status));
        }

        AssertSameRecord(stored, await store.GetAsync(stored.Id, NoCancellation));
        Assert.Single(await ReadAsync(store.ListAsync(new AuthorityQuery(), NoCancellation)));
    }

    [Fact]
    public async Task Unusual_but_valid_text_in_every_member_round_trips_exactly()
    {
        var store = await NewStoreAsync();
        var authority = ConformanceRecords.Authority();
        foreach (var member in HostileAuthorityMembers().Select(row => (string)row[0]).Distinct())
        {
            authority = WithText(authority, member, HostileText.Unusual(member));
        }

        await store.AddAsync(authority, NoCancellation);

        foreach (var loaded in new[] { await store.GetAsync(authority.Id, NoCancellation), await store.FindByNameAsync(authority.Name, authority.Organization, NoCancellation) })
        {
            Assert.NotNull(loaded?.NameConstraints);
            Assert.Equal(authority.NameConstraints!.PermittedDnsDomains, loaded.NameConstraints.PermittedDnsDomains);
            Assert.Equal(authority.NameConstraints.ExcludedEmailDomains, loaded.NameConstraints.ExcludedEmailDomains);
            AssertSameRecord(authority, loaded with { NameConstraints = authority.NameConstraints });
        }

        Assert.Equal([authority.Id], (await ReadAsync(store.ListAsync(new AuthorityQuery { Organization = authority.Organization, ParentId = authority.ParentId }, NoCancellation))).Select(a => a.Id));
    }

    [Theory]
    [MemberData(nameof(HostileAuthorityKinds))]
    public async Task Lookups_and_filters_with_text_no_store_can_hold_find_nothing(string kind)
    {
        var store = await NewStoreAsync();
        var root = ConformanceRecords.Authority();
        var child = ConformanceRecords.Authority(parentId: root.Id);
        await store.AddAsync(root, NoCancellation);
        await store.AddAsync(child, NoCancellation);
        var decoy = ConformanceRecords.Authority(
            name: HostileText.AsReplaced(HostileText.Unstorable(kind, root.Name)),
            organization: HostileText.AsReplaced(HostileText.Unstorable(kind, root.Organization!)),
            parentId: HostileText.AsReplaced(HostileText.Unstorable(kind, root.Id)),
            id: HostileText.AsReplaced(HostileText.Unstorable(kind, root.Id)));
        await store.AddAsync(decoy, NoCancellation);

        Assert.Null(await store.GetAsync(HostileText.Unstorable(kind, root.Id), NoCancellation));
        Assert.Null(await store.FindByNameAsync(HostileText.Unstorable(kind, root.Name), root.Organization, NoCancellation));
        Assert.Null(await store.FindByNameAsync(HostileText.Unstorable(kind, root.Name), HostileText.Unstorable(kind, root.Organization!), NoCancellation));
        Assert.Null(await store.FindByNameAsync(root.Name, HostileText.Unstorable(kind, root.Organization!), NoCancellation));
        Assert.Empty(await ReadAsync(store.ListAsync(new AuthorityQuery { Organization = HostileText.Unstorable(kind, root.Organization!) }, NoCancellation)));
        Assert.Empty(await ReadAsync(store.ListAsync(new AuthorityQuery { ParentId = HostileText.Unstorable(kind, root.Id) }, NoCancellation)));
        var updateError = await Assert.ThrowsAsync<PkiException>(async () => await store.UpdateAsync(root with { Id = HostileText.Unstorable(kind, root.Id) }, NoCancellation));
        Assert.Equal(PkiErrorCode.InvalidRequest, updateError.Code);

        AssertSameRecord(root, await store.GetAsync(root.Id, NoCancellation));
        AssertSameRecord(decoy, await store.GetAsync(decoy.Id, NoCancellation));
    }

    [Theory]
    [MemberData(nameof(HostileAuthorityKinds))]
    public async Task List_with_an_After_cursor_no_store_can_hold_is_refused_with_InvalidRequest(string kind)
    {
        var store = await NewStoreAsync();
        await store.AddAsync(ConformanceRecords.Authority(), NoCancellation);

        await HostileText.AssertRefusedAsync(
            async () => await ReadAsync(store.ListAsync(new AuthorityQuery { After = HostileText.Unstorable(kind, "0") }, NoCancellation)),
            nameof(AuthorityQuery.After));
    }

    [Fact]
    public async Task List_with_extreme_limits_returns_nothing_or_everything()
    {
        var store = await NewStoreAsync();
        var authority = ConformanceRecords.Authority();
        await store.AddAsync(authority, NoCancellation);

        foreach (int limit in new[] { 0, -1, int.MinValue })
        {
            Assert.Empty(await ReadAsync(store.ListAsync(new AuthorityQuery { Limit = limit }, NoCancellation)));
        }

        Assert.Equal([authority.Id], (await ReadAsync(store.ListAsync(new AuthorityQuery { Limit = int.MaxValue, After = string.Empty }, NoCancellation))).Select(a => a.Id));
    }
}
