using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>
/// The guarantees every <see cref="IRequestTokenStore"/> makes, above all that a token is consumed at most once and
/// never without its certificate. A provider's test project derives from this class and implements
/// <see cref="CreateStoresAsync"/>: a fresh, empty token store and the certificate store it shares a transaction with.
/// </summary>
public abstract partial class RequestTokenStoreConformance : StoreConformanceBase
{
    private static readonly DateTimeOffset BeforeExpiry = ConformanceRecords.BaseTime.AddDays(1);

    /// <summary>Creates a fresh, empty token store and its certificate store (the one <see cref="IRequestTokenStore.RedeemAsync"/>
    /// adds to). Disposable stores are disposed after the test.</summary>
    protected abstract ValueTask<(IRequestTokenStore Tokens, ICertificateStore Certificates)> CreateStoresAsync();

    /// <summary>How many rounds of the 64-way redemption race to run. Default 20.</summary>
    protected virtual int RaceRounds => 20;

    private async Task<(IRequestTokenStore Tokens, ICertificateStore Certificates)> NewStoresAsync()
    {
        var (tokens, certificates) = await CreateStoresAsync();
        Track(tokens);
        if (!ReferenceEquals(tokens, certificates))
        {
            Track(certificates);
        }

        return (tokens, certificates);
    }

    private async Task<(IRequestTokenStore Tokens, ICertificateStore Certificates, StoredRequestToken Token)> StoresWithTokenAsync()
    {
        var (tokens, certificates) = await NewStoresAsync();
        var token = ConformanceTokens.Token(ConformanceRecords.NewAuthoritySummary());
        await tokens.AddAsync(token, NoCancellation);
        return (tokens, certificates, token);
    }

    // ---- add / get / find ---------------------------------------------------------------------------------------

    [Fact]
    public async Task Add_then_Get_returns_an_equal_record_with_every_field()
    {
        var (tokens, _, token) = await StoresWithTokenAsync();

        Assert.Equal(token.Token, await tokens.GetAsync(token.Token.Id, NoCancellation));
    }

    [Fact]
    public async Task Add_then_Get_round_trips_optional_fields_left_null()
    {
        var (tokens, _) = await NewStoresAsync();
        var token = ConformanceTokens.Token(ConformanceRecords.NewAuthoritySummary(), ownerOrganization: null);
        token = token with { Token = token.Token with { CommonName = null, Organization = null, OrganizationalUnit = null, ValidityDays = null } };

        await tokens.AddAsync(token, NoCancellation);

        Assert.Equal(token.Token, await tokens.GetAsync(token.Token.Id, NoCancellation));
    }

    [Fact]
    public async Task FindByHash_returns_the_token_and_its_hash_and_null_for_an_unknown_hash()
    {
        var (tokens, _, token) = await StoresWithTokenAsync();
        await tokens.AddAsync(ConformanceTokens.Token(token.Token.Authority), NoCancellation);

        var found = await tokens.FindByHashAsync(token.SecretHash.ToArray(), NoCancellation);

        Assert.NotNull(found);
        Assert.Equal(token.Token, found.Token);
        Assert.Equal(token.SecretHash.ToArray(), found.SecretHash.ToArray());
        byte[] other = token.SecretHash.ToArray();
        other[^1] ^= 1;
        Assert.Null(await tokens.FindByHashAsync(other, NoCancellation));
    }

    [Fact]
    public async Task Get_of_an_unknown_id_returns_null()
    {
        var (tokens, _, _) = await StoresWithTokenAsync();

        Assert.Null(await tokens.GetAsync(ConformanceRecords.NewId(), NoCancellation));
    }

    [Fact]
    public async Task Add_of_an_existing_id_or_hash_throws_Conflict_and_changes_nothing()
    {
        var (tokens, _, token) = await StoresWithTokenAsync();
        var sameId = ConformanceTokens.Token(token.Token.Authority, id: token.Token.Id);
        var sameHash = ConformanceTokens.Token(token.Token.Authority, secretHash: token.SecretHash.ToArray());

        Assert.Equal(PkiErrorCode.Conflict, (await Assert.ThrowsAnyAsync<PkiException>(async () => await tokens.AddAsync(sameId, NoCancellation))).Code);
        Assert.Equal(PkiErrorCode.Conflict, (await Assert.ThrowsAnyAsync<PkiException>(async () => await tokens.AddAsync(sameHash, NoCancellation))).Code);

        Assert.Equal(token.Token, await tokens.GetAsync(token.Token.Id, NoCancellation));
        Assert.Null(await tokens.GetAsync(sameHash.Token.Id, NoCancellation));
        Assert.Equal(token.Token.Id, (await tokens.FindByHashAsync(token.SecretHash, NoCancellation))?.Token.Id);
    }

    // ---- redeem -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Redeem_stores_the_certificate_and_marks_the_token_used_with_time_and_certificate_id()
    {
        var (tokens, certificates, token) = await StoresWithTokenAsync();
        var certificate = ConformanceTokens.Certificate(token.Token.Authority);

        await tokens.RedeemAsync(token.Token.Id, certificate, BeforeExpiry, NoCancellation);

        var used = await tokens.GetAsync(token.Token.Id, NoCancellation);
        Assert.Equal(token.Token with { State = RequestTokenState.Used, RedeemedAt = BeforeExpiry, CertificateId = certificate.Id }, used);
        Assert.Equal(certificate, await certificates.GetAsync(certificate.Id, NoCancellation));
        Assert.Equal(RequestTokenState.Used, (await tokens.FindByHashAsync(token.SecretHash, NoCancellation))?.Token.State);
    }

    [Theory]
    [MemberData(nameof(CertificateStoreConformance.IncompleteRecords), MemberType = typeof(CertificateStoreConformance))]
    public async Task Redeem_with_a_record_missing_a_required_member_throws_ArgumentException_and_leaves_the_token_unused(string member)
    {
        var (tokens, certificates, token) = await StoresWithTokenAsync();
        var broken = CertificateStoreConformance.WithoutMember(ConformanceTokens.Certificate(token.Token.Authority), member);

        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await tokens.RedeemAsync(token.Token.Id, broken, BeforeExpiry, NoCancellation));

        Assert.Equal(token.Token, await tokens.GetAsync(token.Token.Id, NoCancellation));
        Assert.Empty(await certificates.QueryAsync(new CertificateQuery { Limit = 10 }, NoCancellation).ToListAsync());
    }

    [Fact]
    public async Task A_second_redeem_throws_TokenAlreadyUsed_and_stores_no_certificate()
    {
        var (tokens, certificates, token) = await StoresWithTokenAsync();
        var first = ConformanceTokens.Certificate(token.Token.Authority);
        var second = ConformanceTokens.Certificate(token.Token.Authority);
        await tokens.RedeemAsync(token.Token.Id, first, BeforeExpiry, NoCancellation);

        await AssertRedeemFailsAsync(tokens, token.Token.Id, second, BeforeExpiry.AddHours(1), PkiErrorCode.TokenAlreadyUsed);

        Assert.Null(await certificates.GetAsync(second.Id, NoCancellation));
        Assert.Equal(first.Id, (await tokens.GetAsync(token.Token.Id, NoCancellation))?.CertificateId);
        Assert.Equal(BeforeExpiry, (await tokens.GetAsync(token.Token.Id, NoCancellation))?.RedeemedAt);
    }

    [Fact]
    public async Task Redeem_of_a_deleted_token_throws_TokenDeleted_and_stores_no_certificate()
    {
        var (tokens, certificates, token) = await StoresWithTokenAsync();
        await tokens.DeleteAsync(token.Token.Id, BeforeExpiry, NoCancellation);
        var certificate = ConformanceTokens.Certificate(token.Token.Authority);

        await AssertRedeemFailsAsync(tokens, token.Token.Id, certificate, BeforeExpiry, PkiErrorCode.TokenDeleted);

        Assert.Null(await certificates.GetAsync(certificate.Id, NoCancellation));
        Assert.Equal(RequestTokenState.Deleted, (await tokens.GetAsync(token.Token.Id, NoCancellation))?.State);
    }

    [Fact]
    public async Task Redeem_at_or_after_ExpiresAt_throws_TokenExpired_and_one_tick_before_succeeds()
    {
        var (tokens, certificates, token) = await StoresWithTokenAsync();
        var expiresAt = token.Token.ExpiresAt;
        var late = ConformanceTokens.Certificate(token.Token.Authority);

        await AssertRedeemFailsAsync(tokens, token.Token.Id, late, expiresAt, PkiErrorCode.TokenExpired);
        await AssertRedeemFailsAsync(tokens, token.Token.Id, late, expiresAt.AddDays(3), PkiErrorCode.TokenExpired);
        Assert.Null(await certificates.GetAsync(late.Id, NoCancellation));
        Assert.Equal(RequestTokenState.Unused, (await tokens.GetAsync(token.Token.Id, NoCancellation))?.State);

        var inTime = ConformanceTokens.Certificate(token.Token.Authority);
        await tokens.RedeemAsync(token.Token.Id, inTime, expiresAt.AddTicks(-1), NoCancellation);
        Assert.Equal(inTime.Id, (await tokens.GetAsync(token.Token.Id, NoCancellation))?.CertificateId);
    }

    [Fact]
    public async Task Redeem_of_an_unknown_token_throws_TokenNotFound_and_stores_no_certificate()
    {
        var (tokens, certificates, token) = await StoresWithTokenAsync();
        var certificate = ConformanceTokens.Certificate(token.Token.Authority);

        await AssertRedeemFailsAsync(tokens, ConformanceRecords.NewId(), certificate, BeforeExpiry, PkiErrorCode.TokenNotFound);

        Assert.Null(await certificates.GetAsync(certificate.Id, NoCancellation));
    }

    [Fact]
    public async Task A_failing_certificate_add_leaves_the_token_unused_and_a_retry_succeeds()
    {
        var (tokens, certificates, token) = await StoresWithTokenAsync();
        var existing = ConformanceTokens.Certificate(token.Token.Authority);
        await certificates.AddAsync(existing, NoCancellation);
        var clash = ConformanceTokens.Certificate(token.Token.Authority, existing.SerialNumber);

        await AssertRedeemFailsAsync(tokens, token.Token.Id, clash, BeforeExpiry, PkiErrorCode.DuplicateSerialNumber);

        Assert.Equal(token.Token, await tokens.GetAsync(token.Token.Id, NoCancellation));
        Assert.Null(await certificates.GetAsync(clash.Id, NoCancellation));
        var retry = ConformanceTokens.Certificate(token.Token.Authority);
        await tokens.RedeemAsync(token.Token.Id, retry, BeforeExpiry, NoCancellation);
        Assert.Equal(retry.Id, (await tokens.GetAsync(token.Token.Id, NoCancellation))?.CertificateId);
    }

    [Fact]
    public async Task Parallel_redemptions_of_one_token_yield_exactly_one_certificate_and_TokenAlreadyUsed_for_the_rest()
    {
        const int Contenders = 64;
        for (int round = 0; round < RaceRounds; round++)
        {
            var (tokens, certificates, token) = await StoresWithTokenAsync();
            var candidates = Enumerable.Range(0, Contenders).Select(_ => ConformanceTokens.Certificate(token.Token.Authority)).ToList();
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var attempts = candidates.Select(certificate => Task.Run(async () =>
            {
                await start.Task;
                try
                {
                    await tokens.RedeemAsync(token.Token.Id, certificate, BeforeExpiry, NoCancellation);
                    return (PkiErrorCode?)null;
                }
                catch (PkiException e)
                {
                    return e.Code;
                }
            })).ToList();
            start.SetResult();
            var outcomes = await Task.WhenAll(attempts);

            Assert.Equal(1, outcomes.Count(code => code is null));
            Assert.Equal(Contenders - 1, outcomes.Count(code => code == PkiErrorCode.TokenAlreadyUsed));
            var winner = candidates[Array.IndexOf(outcomes, null)];
            Assert.Equal(winner.Id, (await tokens.GetAsync(token.Token.Id, NoCancellation))?.CertificateId);
            var stored = await ReadAsync(certificates.QueryAsync(new CertificateQuery { AuthorityId = token.Token.Authority.Id, Limit = 1000 }, NoCancellation));
            Assert.Equal([winner.Id], stored.Select(c => c.Id));
        }
    }

    [Fact]
    public async Task A_delete_racing_a_redeem_never_leaves_a_certificate_without_a_used_token()
    {
        for (int round = 0; round < RaceRounds; round++)
        {
            var (tokens, certificates, token) = await StoresWithTokenAsync();
            var certificate = ConformanceTokens.Certificate(token.Token.Authority);
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var redeem = Task.Run(async () =>
            {
                await start.Task;
                try
                {
                    await tokens.RedeemAsync(token.Token.Id, certificate, BeforeExpiry, NoCancellation);
                    return true;
                }
                catch (PkiException e) when (e.Code == PkiErrorCode.TokenDeleted)
                {
                    return false;
                }
            });
            var delete = Task.Run(async () =>
            {
                await start.Task;
                await tokens.DeleteAsync(token.Token.Id, BeforeExpiry, NoCancellation);
            });
            start.SetResult();
            await delete;
            bool redeemed = await redeem;

            var final = await tokens.GetAsync(token.Token.Id, NoCancellation);
            Assert.Equal(RequestTokenState.Deleted, final?.State);
            Assert.Equal(redeemed ? certificate.Id : null, final?.CertificateId);
            Assert.Equal(redeemed, await certificates.GetAsync(certificate.Id, NoCancellation) is not null);
        }
    }

    // ---- delete -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Delete_marks_the_token_deleted_and_a_second_delete_changes_nothing()
    {
        var (tokens, _, token) = await StoresWithTokenAsync();

        var deleted = await tokens.DeleteAsync(token.Token.Id, BeforeExpiry, NoCancellation);
        var again = await tokens.DeleteAsync(token.Token.Id, BeforeExpiry.AddDays(1), NoCancellation);

        var expected = token.Token with { State = RequestTokenState.Deleted, DeletedAt = BeforeExpiry };
        Assert.Equal(expected, deleted);
        Assert.Equal(expected, again);
        Assert.Equal(expected, await tokens.GetAsync(token.Token.Id, NoCancellation));
    }

    [Fact]
    public async Task Delete_of_a_used_token_keeps_its_redemption()
    {
        var (tokens, _, token) = await StoresWithTokenAsync();
        var certificate = ConformanceTokens.Certificate(token.Token.Authority);
        await tokens.RedeemAsync(token.Token.Id, certificate, BeforeExpiry, NoCancellation);

        var deleted = await tokens.DeleteAsync(token.Token.Id, BeforeExpiry.AddHours(1), NoCancellation);

        Assert.Equal(RequestTokenState.Deleted, deleted.State);
        Assert.Equal(certificate.Id, deleted.CertificateId);
        Assert.Equal(BeforeExpiry, deleted.RedeemedAt);
        Assert.Equal(deleted, await tokens.GetAsync(token.Token.Id, NoCancellation));
    }

    [Fact]
    public async Task Delete_of_an_unknown_token_throws_TokenNotFound()
    {
        var (tokens, _, _) = await StoresWithTokenAsync();

        var error = await Assert.ThrowsAnyAsync<PkiException>(async () => await tokens.DeleteAsync(ConformanceRecords.NewId(), BeforeExpiry, NoCancellation));

        Assert.Equal(PkiErrorCode.TokenNotFound, error.Code);
    }

    // ---- list ---------------------------------------------------------------------------------------------------

    [Fact]
    public async Task List_filters_by_authority_state_at_now_and_owner_and_pages_in_id_order()
    {
        var (tokens, _) = await NewStoresAsync();
        var first = ConformanceRecords.NewAuthoritySummary();
        var second = ConformanceRecords.NewAuthoritySummary();
        string?[] owners = ["Acme Corp", "Globex", null];
        var all = new List<RequestTokenRecord>();
        for (int i = 0; i < 40; i++)
        {
            var stored = ConformanceTokens.Token(i % 2 == 0 ? first : second, id: ConformanceRecords.NewScatteredId(), ownerOrganization: owners[i % 3]);
            stored = stored with { Token = stored.Token with { ExpiresAt = ConformanceRecords.BaseTime.AddDays(i % 4 == 3 ? 0.5 : 7) } };
            await tokens.AddAsync(stored, NoCancellation);
            if (i % 4 == 1)
            {
                await tokens.RedeemAsync(stored.Token.Id, ConformanceTokens.Certificate(stored.Token.Authority), BeforeExpiry.AddDays(-0.9), NoCancellation);
            }
            else if (i % 4 == 2)
            {
                await tokens.DeleteAsync(stored.Token.Id, BeforeExpiry, NoCancellation);
            }

            all.Add((await tokens.GetAsync(stored.Token.Id, NoCancellation))!);
        }

        var now = BeforeExpiry;
        RequestTokenQuery[] queries =
        [
            new(),
            new() { AuthorityId = first.Id },
            new() { OwnerOrganization = "Globex" },
            new() { State = RequestTokenState.Unused },
            new() { State = RequestTokenState.Used, AuthorityId = second.Id },
            new() { State = RequestTokenState.Expired },
            new() { State = RequestTokenState.Deleted, OwnerOrganization = "Acme Corp" },
        ];
        foreach (var query in queries)
        {
            var expected = SortedOrdinal(all.Where(t => query.Matches(t, now)).Select(t => t.Id));
            foreach (int pageSize in new[] { 1, 3, 100 })
            {
                var listed = await ReadAllPagesAsync(
                    (after, limit) => tokens.ListAsync(query with { After = after, Limit = limit }, now, NoCancellation), t => t.Id, pageSize);
                Assert.Equal(expected, listed.Select(t => t.Id));
            }
        }

        Assert.Equal(10, all.Count(t => t.StateAt(now) == RequestTokenState.Expired));
        Assert.Empty(await ReadAsync(tokens.ListAsync(new RequestTokenQuery { State = RequestTokenState.Expired }, ConformanceRecords.BaseTime, NoCancellation)));
    }

    [Fact]
    public async Task List_with_a_cancelled_token_throws_even_when_nothing_matches()
    {
        var (tokens, _) = await NewStoresAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await ReadAsync(tokens.ListAsync(new RequestTokenQuery(), BeforeExpiry, cancelled.Token)));
    }

    private static async Task AssertRedeemFailsAsync(IRequestTokenStore tokens, string tokenId, CertificateRecord certificate, DateTimeOffset now, PkiErrorCode code)
    {
        var error = await Assert.ThrowsAnyAsync<PkiException>(async () => await tokens.RedeemAsync(tokenId, certificate, now, NoCancellation));
        Assert.Equal(code, error.Code);
    }
}
