using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>Hostile input: text no store can hold, extreme query values and purge bounds.</summary>
public abstract partial class RequestTokenStoreConformance
{
    /// <summary>Every text member of <see cref="RequestTokenRecord"/> that reaches a store.</summary>
    public static TheoryData<string, string> HostileTokenMembers() => HostileText.Cross(
        nameof(RequestTokenRecord.Id), nameof(RequestTokenRecord.Name), "Authority.Id", "Authority.Name",
        nameof(RequestTokenRecord.CommonName), nameof(RequestTokenRecord.Organization), nameof(RequestTokenRecord.OrganizationalUnit),
        nameof(RequestTokenRecord.Profile), nameof(RequestTokenRecord.OwnerOrganization), nameof(RequestTokenRecord.CertificateId));

    /// <summary>The kinds of <see cref="HostileText.UnstorableKinds"/>.</summary>
    public static TheoryData<string> HostileTokenKinds() => HostileText.Kinds();

    private static RequestTokenRecord WithText(RequestTokenRecord token, string member, string value) => member switch
    {
        nameof(RequestTokenRecord.Id) => token with { Id = value },
        nameof(RequestTokenRecord.Name) => token with { Name = value },
        "Authority.Id" => token with { Authority = token.Authority with { Id = value } },
        "Authority.Name" => token with { Authority = token.Authority with { Name = value } },
        nameof(RequestTokenRecord.CommonName) => token with { CommonName = value },
        nameof(RequestTokenRecord.Organization) => token with { Organization = value },
        nameof(RequestTokenRecord.OrganizationalUnit) => token with { OrganizationalUnit = value },
        nameof(RequestTokenRecord.Profile) => token with { Profile = value },
        nameof(RequestTokenRecord.OwnerOrganization) => token with { OwnerOrganization = value },
        nameof(RequestTokenRecord.CertificateId) => token with { CertificateId = value },
        _ => throw new ArgumentOutOfRangeException(nameof(member), member, "Not a text member."),
    };

    [Theory]
    [MemberData(nameof(HostileTokenMembers))]
    public async Task Add_refuses_text_no_store_can_hold_with_InvalidRequest_naming_the_member_and_stores_nothing(string member, string kind)
    {
        var (tokens, _) = await NewStoresAsync();
        var token = ConformanceTokens.Token(ConformanceRecords.NewAuthoritySummary());
        var hostile = token with { Token = WithText(token.Token, member, HostileText.Unstorable(kind)) };

        await HostileText.AssertRefusedAsync(async () => await tokens.AddAsync(hostile, NoCancellation), member);

        Assert.Empty(await ReadAsync(tokens.ListAsync(new RequestTokenQuery(), BeforeExpiry, NoCancellation)));
        Assert.Null(await tokens.FindByHashAsync(token.SecretHash, NoCancellation));
    }

    [Fact]
    public async Task Add_refuses_an_undefined_state_with_InvalidRequest_and_stores_nothing()
    {
        var (tokens, _) = await NewStoresAsync();
        var token = ConformanceTokens.Token(ConformanceRecords.NewAuthoritySummary());
        foreach (int value in new[] { -1, 99, short.MaxValue + 1, int.MaxValue })
        {
            var hostile = token with { Token = token.Token with { State = (RequestTokenState)value } };
            await HostileText.AssertRefusedAsync(async () => await tokens.AddAsync(hostile, NoCancellation), nameof(RequestTokenRecord.State));
        }

        Assert.Null(await tokens.GetAsync(token.Token.Id, NoCancellation));
    }

    [Fact]
    public async Task Unusual_but_valid_text_in_every_member_round_trips_exactly()
    {
        var (tokens, _) = await NewStoresAsync();
        var token = ConformanceTokens.Token(ConformanceRecords.NewAuthoritySummary());
        var record = token.Token;
        foreach (var member in HostileTokenMembers().Select(row => (string)row[0]).Distinct())
        {
            record = WithText(record, member, HostileText.Unusual(member));
        }

        // An unused token references no certificate (every store refuses one naming a certificate it does not hold).
        record = record with { CertificateId = null };

        await tokens.AddAsync(token with { Token = record }, NoCancellation);

        Assert.Equal(record, await tokens.GetAsync(record.Id, NoCancellation));
        var listed = await ReadAsync(tokens.ListAsync(new RequestTokenQuery { AuthorityId = record.Authority.Id, OwnerOrganization = record.OwnerOrganization }, BeforeExpiry, NoCancellation));
        Assert.Equal([record], listed);
    }

    [Theory]
    [MemberData(nameof(HostileTokenKinds))]
    public async Task Lookups_filters_and_keyed_writes_with_text_no_store_can_hold_find_nothing(string kind)
    {
        var (tokens, certificates, token) = await StoresWithTokenAsync();
        string hostileId = HostileText.Unstorable(kind, token.Token.Id);
        var decoy = ConformanceTokens.Token(token.Token.Authority with { Id = HostileText.AsReplaced(HostileText.Unstorable(kind, token.Token.Authority.Id)) });
        decoy = decoy with { Token = decoy.Token with { Id = HostileText.AsReplaced(hostileId), OwnerOrganization = HostileText.AsReplaced(HostileText.Unstorable(kind, token.Token.OwnerOrganization!)) } };
        await tokens.AddAsync(decoy, NoCancellation);

        Assert.Null(await tokens.GetAsync(hostileId, NoCancellation));
        Assert.Empty(await ReadAsync(tokens.ListAsync(new RequestTokenQuery { AuthorityId = HostileText.Unstorable(kind, token.Token.Authority.Id) }, BeforeExpiry, NoCancellation)));
        Assert.Empty(await ReadAsync(tokens.ListAsync(new RequestTokenQuery { OwnerOrganization = HostileText.Unstorable(kind, token.Token.OwnerOrganization!) }, BeforeExpiry, NoCancellation)));
        var deleteError = await Assert.ThrowsAsync<PkiException>(async () => await tokens.DeleteAsync(hostileId, BeforeExpiry, NoCancellation));
        Assert.Equal(PkiErrorCode.TokenNotFound, deleteError.Code);
        var redeemError = await Assert.ThrowsAsync<PkiException>(
            async () => await tokens.RedeemAsync(hostileId, ConformanceTokens.Certificate(token.Token.Authority), BeforeExpiry, NoCancellation));
        Assert.Equal(PkiErrorCode.TokenNotFound, redeemError.Code);

        Assert.Equal(token.Token, await tokens.GetAsync(token.Token.Id, NoCancellation));
        Assert.Equal(decoy.Token, await tokens.GetAsync(decoy.Token.Id, NoCancellation));
        Assert.Empty(await ReadAsync(certificates.QueryAsync(new CertificateQuery(), NoCancellation)));
    }

    [Theory]
    [MemberData(nameof(HostileTokenKinds))]
    public async Task Redeem_with_a_certificate_holding_text_no_store_can_hold_is_refused_and_leaves_the_token_unused(string kind)
    {
        var (tokens, certificates, token) = await StoresWithTokenAsync();
        var certificate = ConformanceTokens.Certificate(token.Token.Authority) with { Name = HostileText.Unstorable(kind, "name") };

        await HostileText.AssertRefusedAsync(
            async () => await tokens.RedeemAsync(token.Token.Id, certificate, BeforeExpiry, NoCancellation), nameof(CertificateRecord.Name));

        Assert.Equal(token.Token, await tokens.GetAsync(token.Token.Id, NoCancellation));
        Assert.Empty(await ReadAsync(certificates.QueryAsync(new CertificateQuery(), NoCancellation)));
    }

    [Theory]
    [MemberData(nameof(HostileTokenKinds))]
    public async Task List_with_an_After_cursor_no_store_can_hold_is_refused_with_InvalidRequest(string kind)
    {
        var (tokens, _, _) = await StoresWithTokenAsync();

        await HostileText.AssertRefusedAsync(
            async () => await ReadAsync(tokens.ListAsync(new RequestTokenQuery { After = HostileText.Unstorable(kind, "0") }, BeforeExpiry, NoCancellation)),
            nameof(RequestTokenQuery.After));
    }

    [Fact]
    public async Task List_with_extreme_limits_states_and_instants_behaves_like_every_other_store()
    {
        var (tokens, _, token) = await StoresWithTokenAsync();

        foreach (int limit in new[] { 0, -1, int.MinValue })
        {
            Assert.Empty(await ReadAsync(tokens.ListAsync(new RequestTokenQuery { Limit = limit }, BeforeExpiry, NoCancellation)));
        }

        Assert.Equal([token.Token], await ReadAsync(tokens.ListAsync(new RequestTokenQuery { Limit = int.MaxValue, After = string.Empty }, BeforeExpiry, NoCancellation)));
        foreach (int state in new[] { -1, 99, short.MaxValue + 1, int.MaxValue })
        {
            Assert.Empty(await ReadAsync(tokens.ListAsync(new RequestTokenQuery { State = (RequestTokenState)state }, BeforeExpiry, NoCancellation)));
        }

        Assert.Equal([token.Token], await ReadAsync(tokens.ListAsync(new RequestTokenQuery { State = RequestTokenState.Unused }, DateTimeOffset.MinValue, NoCancellation)));
        Assert.Equal([token.Token], await ReadAsync(tokens.ListAsync(new RequestTokenQuery { State = RequestTokenState.Expired }, DateTimeOffset.MaxValue, NoCancellation)));
    }

    [Fact]
    public async Task Purge_with_extreme_bounds_removes_exactly_the_finished_tokens_and_refuses_a_limit_below_one()
    {
        var (tokens, _, token) = await StoresWithTokenAsync();

        foreach (int limit in new[] { 0, -1, int.MinValue })
        {
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await tokens.PurgeAsync(DateTimeOffset.MaxValue, limit, NoCancellation));
        }

        Assert.Equal(0, await tokens.PurgeAsync(DateTimeOffset.MinValue, int.MaxValue, NoCancellation));
        Assert.Equal(token.Token, await tokens.GetAsync(token.Token.Id, NoCancellation));
        Assert.Equal(1, await tokens.PurgeAsync(DateTimeOffset.MaxValue, int.MaxValue, NoCancellation));
        Assert.Null(await tokens.GetAsync(token.Token.Id, NoCancellation));
    }

    [Fact]
    public async Task FindByHash_of_hashes_of_any_length_finds_nothing_else()
    {
        var (tokens, _, token) = await StoresWithTokenAsync();

        Assert.Null(await tokens.FindByHashAsync(ReadOnlyMemory<byte>.Empty, NoCancellation));
        Assert.Null(await tokens.FindByHashAsync(token.SecretHash[..31], NoCancellation));
        Assert.Null(await tokens.FindByHashAsync(new byte[1 << 20], NoCancellation));
        Assert.NotNull(await tokens.FindByHashAsync(token.SecretHash, NoCancellation));
    }
}
