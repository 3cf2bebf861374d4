using System.Security.Cryptography;
using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>
/// Bounds every store applies alike: the length of indexed text (<see cref="StoreInputRules.MaximumIndexedLength"/>)
/// and of the secret hash, the states a store persists, and the certificate a token names.
/// </summary>
public abstract partial class RequestTokenStoreConformance
{
    /// <summary>Every indexed text member of <see cref="RequestTokenRecord"/>, with a length just over the bound and one far over PostgreSQL's index limit.</summary>
    public static TheoryData<string, int> IndexedTokenMembers()
    {
        var data = new TheoryData<string, int>();
        foreach (string member in new[] { nameof(RequestTokenRecord.Id), "Authority.Id", nameof(RequestTokenRecord.OwnerOrganization), nameof(RequestTokenRecord.CertificateId) })
        {
            data.Add(member, HostileText.IndexedBound + 1);
            data.Add(member, 1_000);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(IndexedTokenMembers))]
    public async Task Add_refuses_indexed_text_over_the_bound_with_InvalidRequest_naming_the_member_and_stores_nothing(string member, int length)
    {
        var (tokens, _) = await NewStoresAsync();
        var token = ConformanceTokens.Token(ConformanceRecords.NewAuthoritySummary());
        var hostile = token with { Token = WithText(token.Token, member, HostileText.LongText(length)) };

        await HostileText.AssertRefusedAsync(async () => await tokens.AddAsync(hostile, NoCancellation), member);

        Assert.Empty(await ReadAsync(tokens.ListAsync(new RequestTokenQuery(), BeforeExpiry, NoCancellation)));
        Assert.Null(await tokens.FindByHashAsync(token.SecretHash, NoCancellation));
    }

    [Theory]
    [InlineData("Authority.Id")]
    [InlineData(nameof(RequestTokenRecord.OwnerOrganization))]
    public async Task Add_refuses_an_id_and_the_member_indexed_with_it_over_the_bound_together(string member)
    {
        var (tokens, _) = await NewStoresAsync();
        var token = ConformanceTokens.Token(ConformanceRecords.NewAuthoritySummary());
        var hostile = token with { Token = WithText(token.Token, member, HostileText.LongText(HostileText.IndexedBound - token.Token.Id.Length + 1)) };

        await HostileText.AssertRefusedAsync(async () => await tokens.AddAsync(hostile, NoCancellation), member + " and Id");

        Assert.Empty(await ReadAsync(tokens.ListAsync(new RequestTokenQuery(), BeforeExpiry, NoCancellation)));
    }

    [Fact]
    public async Task Indexed_text_at_the_bound_round_trips_and_is_found()
    {
        var (tokens, _) = await NewStoresAsync();
        var token = ConformanceTokens.Token(ConformanceRecords.NewAuthoritySummary());
        int beside = HostileText.IndexedBound - token.Token.Id.Length;
        var record = token.Token with
        {
            Authority = token.Token.Authority with { Id = HostileText.LongText(beside, 2) },
            OwnerOrganization = HostileText.LongText(beside, 3),
        };

        await tokens.AddAsync(token with { Token = record }, NoCancellation);

        Assert.Equal(record, await tokens.GetAsync(record.Id, NoCancellation));
        Assert.Equal([record], await ReadAsync(tokens.ListAsync(new RequestTokenQuery { AuthorityId = record.Authority.Id, OwnerOrganization = record.OwnerOrganization }, BeforeExpiry, NoCancellation)));
    }

    [Fact]
    public async Task Lookups_filters_and_keyed_writes_with_text_over_the_bound_find_nothing()
    {
        var (tokens, certificates, token) = await StoresWithTokenAsync();
        string tooLong = token.Token.Id + HostileText.LongText(1_000);

        Assert.Null(await tokens.GetAsync(tooLong, NoCancellation));
        Assert.Empty(await ReadAsync(tokens.ListAsync(new RequestTokenQuery { AuthorityId = token.Token.Authority.Id + tooLong }, BeforeExpiry, NoCancellation)));
        Assert.Empty(await ReadAsync(tokens.ListAsync(new RequestTokenQuery { OwnerOrganization = token.Token.OwnerOrganization + tooLong }, BeforeExpiry, NoCancellation)));
        Assert.Equal(PkiErrorCode.TokenNotFound, (await Assert.ThrowsAsync<PkiException>(async () => await tokens.DeleteAsync(tooLong, BeforeExpiry, NoCancellation))).Code);
        var redeemError = await Assert.ThrowsAsync<PkiException>(
            async () => await tokens.RedeemAsync(tooLong, ConformanceTokens.Certificate(token.Token.Authority), BeforeExpiry, NoCancellation));
        Assert.Equal(PkiErrorCode.TokenNotFound, redeemError.Code);

        Assert.Equal(token.Token, await tokens.GetAsync(token.Token.Id, NoCancellation));
        Assert.Empty(await ReadAsync(certificates.QueryAsync(new CertificateQuery(), NoCancellation)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(4_096)]
    public async Task Add_refuses_a_secret_hash_that_is_not_32_bytes_with_InvalidRequest_and_stores_nothing(int length)
    {
        var (tokens, _) = await NewStoresAsync();
        var token = ConformanceTokens.Token(ConformanceRecords.NewAuthoritySummary(), secretHash: RandomNumberGenerator.GetBytes(length));

        await HostileText.AssertRefusedAsync(async () => await tokens.AddAsync(token, NoCancellation), nameof(StoredRequestToken.SecretHash));

        Assert.Null(await tokens.GetAsync(token.Token.Id, NoCancellation));
    }

    [Fact]
    public async Task Add_refuses_the_computed_state_Expired_with_InvalidRequest_and_stores_nothing()
    {
        var (tokens, _) = await NewStoresAsync();
        var token = ConformanceTokens.Token(ConformanceRecords.NewAuthoritySummary());
        var expired = token with { Token = token.Token with { State = RequestTokenState.Expired } };

        await HostileText.AssertRefusedAsync(async () => await tokens.AddAsync(expired, NoCancellation), nameof(RequestTokenRecord.State));

        Assert.Null(await tokens.GetAsync(token.Token.Id, NoCancellation));
    }

    [Fact]
    public async Task Add_refuses_a_used_token_without_its_certificate_or_redemption_time_with_InvalidRequest()
    {
        var (tokens, certificates) = await NewStoresAsync();
        var authority = ConformanceRecords.NewAuthoritySummary();
        var certificate = ConformanceTokens.Certificate(authority);
        await certificates.AddAsync(certificate, NoCancellation);
        var token = ConformanceTokens.Token(authority);
        var used = token.Token with { State = RequestTokenState.Used, CertificateId = certificate.Id, RedeemedAt = BeforeExpiry };

        await HostileText.AssertRefusedAsync(
            async () => await tokens.AddAsync(token with { Token = used with { CertificateId = null } }, NoCancellation), nameof(RequestTokenRecord.CertificateId));
        await HostileText.AssertRefusedAsync(
            async () => await tokens.AddAsync(token with { Token = used with { RedeemedAt = null } }, NoCancellation), nameof(RequestTokenRecord.RedeemedAt));
        Assert.Null(await tokens.GetAsync(token.Token.Id, NoCancellation));

        await tokens.AddAsync(token with { Token = used }, NoCancellation);
        Assert.Equal(used, await tokens.GetAsync(token.Token.Id, NoCancellation));
    }

    [Theory]
    [InlineData(RequestTokenState.Unused)]
    [InlineData(RequestTokenState.Used)]
    [InlineData(RequestTokenState.Deleted)]
    public async Task Add_refuses_a_token_naming_a_certificate_the_store_does_not_hold_with_CertificateNotFound(RequestTokenState state)
    {
        var (tokens, certificates) = await NewStoresAsync();
        var token = ConformanceTokens.Token(ConformanceRecords.NewAuthoritySummary());
        var dangling = token with
        {
            Token = token.Token with
            {
                State = state,
                CertificateId = ConformanceRecords.NewId(),
                RedeemedAt = state == RequestTokenState.Used ? BeforeExpiry : null,
                DeletedAt = state == RequestTokenState.Deleted ? BeforeExpiry : null,
            },
        };

        var refused = await Assert.ThrowsAsync<PkiException>(async () => await tokens.AddAsync(dangling, NoCancellation));

        Assert.Equal(PkiErrorCode.CertificateNotFound, refused.Code);
        Assert.Null(await tokens.GetAsync(token.Token.Id, NoCancellation));
        Assert.Null(await tokens.FindByHashAsync(token.SecretHash, NoCancellation));
        Assert.Empty(await ReadAsync(certificates.QueryAsync(new CertificateQuery(), NoCancellation)));

        // The store stays usable: the same token without the dangling reference is added.
        await tokens.AddAsync(token, NoCancellation);
        Assert.Equal(token.Token, await tokens.GetAsync(token.Token.Id, NoCancellation));
    }

    [Fact]
    public async Task A_token_of_a_CA_no_store_holds_is_accepted_alike()
    {
        // The token store has no foreign key to the authority store: the engine checks the CA when it creates a token.
        var (tokens, _) = await NewStoresAsync();
        var token = ConformanceTokens.Token(new AuthoritySummary(ConformanceRecords.NewId(), "Unknown CA"));

        await tokens.AddAsync(token, NoCancellation);

        Assert.Equal(token.Token, await tokens.GetAsync(token.Token.Id, NoCancellation));
    }
}
