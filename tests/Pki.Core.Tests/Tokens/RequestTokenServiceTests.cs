using Microsoft.Extensions.DependencyInjection;
using Pki.Core.Storage.InMemory;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Tokens;

public sealed class RequestTokenServiceTests : IAsyncLifetime
{
    private TokenTestHost _ca = null!;

    public async Task InitializeAsync() => _ca = await TokenTestHost.CreateAsync();

    public Task DisposeAsync()
    {
        _ca.Dispose();
        return Task.CompletedTask;
    }

    // ---- create -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Create_returns_a_crt_secret_with_256_url_safe_bits_and_an_unused_record_with_defaults()
    {
        var now = _ca.Clock.GetUtcNow();

        var created = await _ca.CreateAsync(organization: "Example Corp");

        Assert.Matches("^crt_[A-Za-z0-9_-]{43}$", created.Secret);
        var token = created.Token;
        Assert.Equal(32, token.Id.Length);
        Assert.Equal("api-service-cert", token.Name);
        Assert.Equal(new AuthoritySummary(_ca.Issuing.Id, _ca.Issuing.Name), token.Authority);
        Assert.Equal(CertificateProfiles.Client, token.Profile);
        Assert.Equal(RequestTokenState.Unused, token.State);
        Assert.Equal(now, token.CreatedAt);
        Assert.Equal(now.AddDays(7), token.ExpiresAt);
        Assert.Null(token.ValidityDays);
        Assert.Null(token.RedeemedAt);
        Assert.Null(token.CertificateId);
        Assert.Equal(token, await _ca.Tokens.GetAsync(token.Id));
    }

    [Fact]
    public async Task The_store_holds_the_sha256_of_the_secret_and_never_the_secret()
    {
        var created = await _ca.CreateAsync();
        var store = _ca.Host.Get<IRequestTokenStore>();

        var stored = await store.FindByHashAsync(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(created.Secret)), default);

        Assert.NotNull(stored);
        Assert.Equal(created.Token.Id, stored.Token.Id);
        Assert.DoesNotContain(created.Secret[4..], stored.ToString(), StringComparison.Ordinal);
        Assert.Null(await store.FindByHashAsync(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(created.Secret + "x")), default));
    }

    [Fact]
    public async Task Every_secret_is_different()
    {
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < 200; i++)
        {
            Assert.True(secrets.Add((await _ca.CreateAsync()).Secret));
        }
    }

    [Fact]
    public async Task ValidYears_becomes_365_days_per_year_and_reaches_the_certificate()
    {
        var created = await _ca.Tokens.CreateAsync(new CreateRequestTokenRequest { Name = "n", Authority = CaReference.ById(_ca.Issuing.Id), ValidYears = 2 });

        Assert.Equal(730, created.Token.ValidityDays);
        var issued = await _ca.RedeemAsync(created.Secret, TokenTestHost.Csr());
        Assert.Equal(730, issued.Record.ValidityDays);
    }

    public static TheoryData<string, PkiErrorCode> InvalidCreates => new()
    {
        { "both", PkiErrorCode.InvalidRequest },
        { "years0", PkiErrorCode.InvalidRequest },
        { "days0", PkiErrorCode.PolicyViolation },
        { "days-over-profile", PkiErrorCode.PolicyViolation },
        { "expired", PkiErrorCode.InvalidRequest },
        { "too-long", PkiErrorCode.InvalidRequest },
        { "ca-profile", PkiErrorCode.InvalidRequest },
        { "unknown-profile", PkiErrorCode.InvalidRequest },
        { "blank-name", PkiErrorCode.InvalidRequest },
        { "control-name", PkiErrorCode.InvalidRequest },
        { "bad-lock", PkiErrorCode.InvalidName },
        { "unknown-ca", PkiErrorCode.AuthorityNotFound },
    };

    [Theory]
    [MemberData(nameof(InvalidCreates))]
    public async Task Create_refuses_bad_requests_with_a_code(string variant, PkiErrorCode code)
    {
        var now = _ca.Clock.GetUtcNow();
        var valid = new CreateRequestTokenRequest { Name = "n", Authority = CaReference.ById(_ca.Issuing.Id) };
        var request = variant switch
        {
            "both" => valid with { ValidYears = 1, ValidityDays = 30 },
            "years0" => valid with { ValidYears = 0 },
            "days0" => valid with { ValidityDays = 0 },
            "days-over-profile" => valid with { ValidityDays = 826 },
            "expired" => valid with { ExpiresAt = now },
            "too-long" => valid with { ExpiresAt = now.AddDays(30).AddSeconds(1) },
            "ca-profile" => valid with { Profile = CertificateProfiles.CertificateAuthority },
            "unknown-profile" => valid with { Profile = "nope" },
            "blank-name" => valid with { Name = " " },
            "control-name" => valid with { Name = "a\u0000b" },
            "bad-lock" => valid with { OrganizationalUnit = "line\nbreak" },
            "unknown-ca" => valid with { Authority = CaReference.ById("0123456789abcdef0123456789abcdef") },
            _ => throw new ArgumentOutOfRangeException(nameof(variant)),
        };

        var error = await Assert.ThrowsAsync<PkiException>(() => _ca.Tokens.CreateAsync(request).AsTask());

        Assert.Equal(code, error.Code);
        Assert.Empty(await ListAsync(new RequestTokenQuery()));
    }

    [Fact]
    public async Task ExpiresAt_is_kept_up_to_the_maximum_lifetime_rounded_down_to_the_second()
    {
        var now = _ca.Clock.GetUtcNow();

        var created = await _ca.CreateAsync(expiresAt: now.AddDays(30).AddTicks(-1));

        Assert.Equal(now.AddDays(30).AddSeconds(-1), created.Token.ExpiresAt);
    }

    // ---- redeem: the happy path ---------------------------------------------------------------------------------

    [Fact]
    public async Task Redeem_issues_a_client_certificate_named_after_the_token_with_the_locked_fields_and_marks_it_used()
    {
        var created = await _ca.CreateAsync(commonName: "api.example.com", organization: "Example Corp", organizationalUnit: "API Services", validityDays: 90);
        _ca.Clock.Advance(TimeSpan.FromHours(1));

        var issued = await _ca.RedeemAsync(created.Secret, TokenTestHost.Csr("CN=mallory, O=Evil Inc, OU=Ops, L=Berlin, C=DE"));

        var record = issued.Record;
        Assert.Equal("api.example.com", record.CommonName);
        Assert.Equal("Example Corp", record.Organization);
        Assert.Equal("API Services", record.OrganizationalUnit);
        Assert.Equal("Berlin", record.Location);
        Assert.Equal("DE", record.Country);
        Assert.Equal(CertificateType.Client, record.Type);
        Assert.Equal(90, record.ValidityDays);
        Assert.Equal(created.Token.Id, record.TokenId);
        Assert.Equal("api-service-cert", record.Name);
        Assert.NotNull(record.Csr);
        CertificateAssertions.MatchesRecord(issued);
        Assert.Equal(record, await _ca.Host.Authority.GetCertificateAsync(record.Id));

        var token = await _ca.Tokens.GetAsync(created.Token.Id);
        Assert.Equal(created.Token with { State = RequestTokenState.Used, RedeemedAt = _ca.Clock.GetUtcNow(), CertificateId = record.Id }, token);
    }

    [Fact]
    public async Task Fields_the_token_left_blank_come_from_the_CSR()
    {
        var created = await _ca.CreateAsync(organization: "Example Corp");

        var issued = await _ca.RedeemAsync(created.Secret, TokenTestHost.Csr("CN=device-17, OU=Sensors, O=Other Corp"));

        Assert.Equal("device-17", issued.Record.CommonName);
        Assert.Equal("Example Corp", issued.Record.Organization);
        Assert.Equal("Sensors", issued.Record.OrganizationalUnit);
    }

    [Fact]
    public async Task The_issued_certificate_verifies_with_openssl_as_a_client_certificate()
    {
        var created = await _ca.CreateAsync(organization: "Example Corp", organizationalUnit: "API Services");
        var issued = await _ca.RedeemAsync(created.Secret, TokenTestHost.Csr("CN=client-1"));

        using var openssl = new OpenSsl();
        var (exitCode, output) = openssl.Verify(_ca.Root.CertificatePem, _ca.Issuing.CertificatePem, issued.CertificatePem, "sslclient",
            "-attime", _ca.Clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(exitCode == 0, output);
    }

    // ---- redeem: the four token errors and the state transitions ------------------------------------------------

    [Fact]
    public async Task A_second_redemption_throws_TokenAlreadyUsed()
    {
        var created = await _ca.CreateAsync();
        await _ca.RedeemAsync(created.Secret, TokenTestHost.Csr());

        Assert.Equal(PkiErrorCode.TokenAlreadyUsed, await _ca.RedeemFailsAsync(created.Secret, TokenTestHost.Csr()));
        Assert.Single(await CertificatesAsync(created.Token.Id));
    }

    [Fact]
    public async Task A_token_presented_for_another_CA_is_TokenNotFound_and_stays_unused_then_redeems_for_its_own()
    {
        var created = await _ca.CreateAsync();
        var csr = CsrInput.FromPem(TokenTestHost.Csr());
        Task<IssuedCertificate> Redeem(CaReference authority) =>
            _ca.Tokens.RedeemAsync(new RedeemRequestTokenRequest { Secret = created.Secret, Csr = csr, Authority = authority }).AsTask();

        foreach (var other in new[] { CaReference.ById(_ca.Root.Id), CaReference.ByName(_ca.Root.Name), CaReference.ById("0123456789abcdef0123456789abcdef"),
            CaReference.ByName("no-such-ca"), CaReference.ByName(_ca.Issuing.Name, "another-organization") })
        {
            var error = await Assert.ThrowsAsync<PkiException>(() => Redeem(other));
            Assert.Equal(PkiErrorCode.TokenNotFound, error.Code);
        }

        Assert.Equal(RequestTokenState.Unused, (await _ca.Tokens.GetAsync(created.Token.Id)).State);
        Assert.Empty(await CertificatesAsync(created.Token.Id));
        var issued = await Redeem(CaReference.ByName(_ca.Issuing.Name));
        Assert.Equal(_ca.Issuing.Id, issued.Record.CertificateAuthority.Id);
        Assert.Equal(RequestTokenState.Used, (await _ca.Tokens.GetAsync(created.Token.Id)).State);
        Assert.Equal(PkiErrorCode.TokenAlreadyUsed, (await Assert.ThrowsAsync<PkiException>(() => Redeem(CaReference.ById(_ca.Issuing.Id)))).Code);
    }

    [Fact]
    public async Task A_token_is_redeemable_one_tick_before_ExpiresAt()
    {
        var created = await _ca.CreateAsync();
        _ca.Clock.SetUtcNow(created.Token.ExpiresAt.AddTicks(-1));

        Assert.Equal(RequestTokenState.Unused, (await _ca.Tokens.GetAsync(created.Token.Id)).State);
        await _ca.RedeemAsync(created.Secret, TokenTestHost.Csr());
        Assert.Equal(RequestTokenState.Used, (await _ca.Tokens.GetAsync(created.Token.Id)).State);
    }

    [Fact]
    public async Task A_token_is_expired_exactly_at_ExpiresAt_and_reads_as_Expired()
    {
        var created = await _ca.CreateAsync();
        _ca.Clock.SetUtcNow(created.Token.ExpiresAt);

        Assert.Equal(PkiErrorCode.TokenExpired, await _ca.RedeemFailsAsync(created.Secret, TokenTestHost.Csr()));
        Assert.Equal(RequestTokenState.Expired, (await _ca.Tokens.GetAsync(created.Token.Id)).State);
        Assert.Equal([created.Token.Id], (await ListAsync(new RequestTokenQuery { State = RequestTokenState.Expired })).Select(t => t.Id));
        Assert.Empty(await CertificatesAsync(created.Token.Id));
    }

    [Fact]
    public async Task A_deleted_token_throws_TokenDeleted_and_reads_as_Deleted()
    {
        var created = await _ca.CreateAsync();
        _ca.Clock.Advance(TimeSpan.FromMinutes(5));

        var deleted = await _ca.Tokens.DeleteAsync(created.Token.Id);

        Assert.Equal(RequestTokenState.Deleted, deleted.State);
        Assert.Equal(_ca.Clock.GetUtcNow(), deleted.DeletedAt);
        Assert.Equal(PkiErrorCode.TokenDeleted, await _ca.RedeemFailsAsync(created.Secret, TokenTestHost.Csr()));
        Assert.Equal(deleted, await _ca.Tokens.GetAsync(created.Token.Id));
        Assert.Empty(await CertificatesAsync(created.Token.Id));
    }

    [Fact]
    public async Task A_deleted_token_stays_deleted_after_it_would_have_expired()
    {
        var created = await _ca.CreateAsync();
        await _ca.Tokens.DeleteAsync(created.Token.Id);
        _ca.Clock.Advance(TimeSpan.FromDays(8));

        Assert.Equal(RequestTokenState.Deleted, (await _ca.Tokens.GetAsync(created.Token.Id)).State);
        Assert.Equal(PkiErrorCode.TokenDeleted, await _ca.RedeemFailsAsync(created.Secret, TokenTestHost.Csr()));
    }

    [Fact]
    public async Task An_unknown_but_well_formed_secret_throws_TokenNotFound()
    {
        await _ca.CreateAsync();

        Assert.Equal(PkiErrorCode.TokenNotFound, await _ca.RedeemFailsAsync("crt_" + new string('A', 43), TokenTestHost.Csr()));
    }

    public static TheoryData<string?> MalformedSecrets => new()
    {
        null,
        "",
        "crt_",
        "crt_" + new string('A', 42),
        "crt_" + new string('A', 44),
        "CRT_" + new string('A', 43),
        "tok_" + new string('A', 43),
        "crt_" + new string('A', 42) + "=",
        "crt_" + new string('A', 42) + "+",
        "crt_" + new string('A', 42) + "é",
        "crt_" + new string('A', 42) + "\0",
        new string('x', 1_000_000),
    };

    [Theory]
    [MemberData(nameof(MalformedSecrets))]
    public async Task A_malformed_secret_throws_TokenNotFound_without_touching_the_store(string? secret)
    {
        var counting = new CountingTokenStore();
        using var ca = await TokenTestHost.CreateAsync(services => services.AddSingleton<IRequestTokenStore>(sp => counting.Wrap(sp.GetRequiredService<ICertificateStore>())));

        var error = await Assert.ThrowsAsync<PkiException>(() =>
            ca.Tokens.RedeemAsync(new RedeemRequestTokenRequest { Secret = secret!, Csr = CsrInput.FromPem(TokenTestHost.Csr()) }).AsTask());

        Assert.Equal(PkiErrorCode.TokenNotFound, error.Code);
        Assert.Equal(0, counting.Lookups);
    }

    // ---- redeem: a bad CSR does not use the token up -----------------------------------------------------------

    public static TheoryData<string, PkiErrorCode> BadCsrs => new()
    {
        { "garbage", PkiErrorCode.InvalidCsr },
        { "null-value", PkiErrorCode.InvalidRequest },
        { "null-input", PkiErrorCode.InvalidRequest },
        { "wrong-type", PkiErrorCode.InvalidRequest },
        { "huge", PkiErrorCode.InputTooLarge },
        { "bad-signature", PkiErrorCode.CsrSignatureInvalid },
        { "no-subject", PkiErrorCode.PolicyViolation },
    };

    [Theory]
    [MemberData(nameof(BadCsrs))]
    public async Task A_redemption_that_fails_on_its_CSR_leaves_the_token_unused(string variant, PkiErrorCode code)
    {
        var created = await _ca.CreateAsync();
        string good = TokenTestHost.Csr();
        CsrInput? csr = variant switch
        {
            "garbage" => CsrInput.FromPem("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"),
            "null-value" => new CsrInput("CSR", null!),
            "null-input" => null,
            "wrong-type" => new CsrInput("PEM", good),
            "huge" => CsrInput.FromPem(new string('A', 2_000_000)),
            "bad-signature" => CsrInput.FromPem(TamperSignature(good)),
            "no-subject" => CsrInput.FromPem(TokenTestHost.Csr(new System.Security.Cryptography.X509Certificates.X500DistinguishedName([0x30, 0x00]))),
            _ => throw new ArgumentOutOfRangeException(nameof(variant)),
        };

        var error = await Assert.ThrowsAsync<PkiException>(() =>
            _ca.Tokens.RedeemAsync(new RedeemRequestTokenRequest { Secret = created.Secret, Csr = csr! }).AsTask());

        Assert.Equal(code, error.Code);
        Assert.Equal(created.Token, await _ca.Tokens.GetAsync(created.Token.Id));
        var issued = await _ca.RedeemAsync(created.Secret, good);
        Assert.Equal(created.Token.Id, issued.Record.TokenId);
    }

    // ---- concurrency ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task Parallel_redemptions_through_the_service_yield_exactly_one_certificate()
    {
        const int Contenders = 64;
        var created = await _ca.CreateAsync();
        var csrs = Enumerable.Range(0, Contenders).Select(i => TokenTestHost.Csr($"CN=racer-{i}")).ToList();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = csrs.Select(csr => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                await _ca.RedeemAsync(created.Secret, csr);
                return (PkiErrorCode?)null;
            }
            catch (PkiException e)
            {
                return e.Code;
            }
        })).ToList();
        start.SetResult();
        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(1, outcomes.Count(c => c is null));
        Assert.Equal(Contenders - 1, outcomes.Count(c => c == PkiErrorCode.TokenAlreadyUsed));
        var certificate = Assert.Single(await CertificatesAsync(created.Token.Id));
        Assert.Equal(certificate.Id, (await _ca.Tokens.GetAsync(created.Token.Id)).CertificateId);
    }

    // ---- get / list / delete -------------------------------------------------------------------------------------

    [Fact]
    public async Task Get_and_Delete_of_an_unknown_id_throw_TokenNotFound()
    {
        Assert.Equal(PkiErrorCode.TokenNotFound, (await Assert.ThrowsAsync<PkiException>(() => _ca.Tokens.GetAsync("nope").AsTask())).Code);
        Assert.Equal(PkiErrorCode.TokenNotFound, (await Assert.ThrowsAsync<PkiException>(() => _ca.Tokens.DeleteAsync("nope").AsTask())).Code);
    }

    [Fact]
    public async Task List_pages_in_id_order_filters_by_state_and_refuses_bad_limits()
    {
        var ids = new List<string>();
        for (int i = 0; i < 7; i++)
        {
            ids.Add((await _ca.CreateAsync(name: "t" + i)).Token.Id);
        }

        var sample = await _ca.Tokens.GetAsync(ids[2]);
        await _ca.Tokens.DeleteAsync(ids[4]);

        var firstPage = await ListAsync(new RequestTokenQuery { Limit = 4 });
        var secondPage = await ListAsync(new RequestTokenQuery { Limit = 4, After = firstPage[^1].Id });
        Assert.Equal(ids.Order(StringComparer.Ordinal), firstPage.Concat(secondPage).Select(t => t.Id));
        Assert.Equal([ids[4]], (await ListAsync(new RequestTokenQuery { State = RequestTokenState.Deleted })).Select(t => t.Id));
        Assert.Equal(6, (await ListAsync(new RequestTokenQuery { State = RequestTokenState.Unused, AuthorityId = sample.Authority.Id })).Count);
        Assert.Empty(await ListAsync(new RequestTokenQuery { AuthorityId = _ca.Root.Id }));
        foreach (int limit in new[] { 0, 1001 })
        {
            Assert.Equal(PkiErrorCode.InvalidRequest, (await Assert.ThrowsAsync<PkiException>(() => ListAsync(new RequestTokenQuery { Limit = limit }))).Code);
        }
    }

    private async Task<List<RequestTokenRecord>> ListAsync(RequestTokenQuery query)
    {
        var list = new List<RequestTokenRecord>();
        await foreach (var token in _ca.Tokens.ListAsync(query))
        {
            list.Add(token);
        }

        return list;
    }

    private async Task<List<CertificateRecord>> CertificatesAsync(string tokenId)
    {
        var list = new List<CertificateRecord>();
        await foreach (var certificate in _ca.Host.Authority.ListCertificatesAsync(new CertificateQuery { Limit = 1000 }))
        {
            if (certificate.TokenId == tokenId)
            {
                list.Add(certificate);
            }
        }

        return list;
    }

    private static string TamperSignature(string pem)
    {
        byte[] der = Convert.FromBase64String(string.Concat(pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));
        der[^5] ^= 0x01;
        return TestCsrs.Pem(der);
    }

    /// <summary>An in-memory token store that counts the lookups the engine makes.</summary>
    private sealed class CountingTokenStore
    {
        private int _lookups;

        public int Lookups => Volatile.Read(ref _lookups);

        public IRequestTokenStore Wrap(ICertificateStore certificates) => new Store(this, new InMemoryRequestTokenStore(certificates));

        private sealed class Store(CountingTokenStore owner, InMemoryRequestTokenStore inner) : IRequestTokenStore
        {
            public ValueTask AddAsync(StoredRequestToken token, CancellationToken cancellationToken) => inner.AddAsync(token, cancellationToken);

            public ValueTask<RequestTokenRecord?> GetAsync(string id, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref owner._lookups);
                return inner.GetAsync(id, cancellationToken);
            }

            public ValueTask<StoredRequestToken?> FindByHashAsync(ReadOnlyMemory<byte> secretHash, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref owner._lookups);
                return inner.FindByHashAsync(secretHash, cancellationToken);
            }

            public IAsyncEnumerable<RequestTokenRecord> ListAsync(RequestTokenQuery query, DateTimeOffset now, CancellationToken cancellationToken) =>
                inner.ListAsync(query, now, cancellationToken);

            public ValueTask<RequestTokenRecord> DeleteAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) => inner.DeleteAsync(id, now, cancellationToken);

            public ValueTask RedeemAsync(string tokenId, CertificateRecord certificate, DateTimeOffset now, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref owner._lookups);
                return inner.RedeemAsync(tokenId, certificate, now, cancellationToken);
            }

            public ValueTask<int> PurgeAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) => inner.PurgeAsync(before, limit, cancellationToken);
        }
    }
}
