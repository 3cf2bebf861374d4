using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Pki.Core.Authorization;
using Pki.Core.Tests.Governance;
using Pki.Core.Tests.Revocation;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Tidy;

public sealed class TidyServiceTests
{
    private static readonly TimeSpan PastCertificateRetention = TimeSpan.FromDays(30 + 90) + TimeSpan.FromSeconds(1);

    private static async Task<(RevocationFixture Fixture, FakeTimeProvider Clock)> CreateAsync(Action<PkiOptions>? configure = null)
    {
        var clock = PkiTestHost.FakeClock();
        return (await RevocationFixture.CreateAsync(configure, clock), clock);
    }

    private static ValueTask<TidyReport> TidyAsync(RevocationFixture fixture, TidyRequest? request = null) => fixture.Host.Get<ITidyService>().TidyAsync(request);

    [Fact]
    public async Task Certificates_expired_longer_than_the_retention_go_with_their_escrowed_keys_and_CA_certificates_stay()
    {
        var (f, clock) = await CreateAsync();
        var old = await f.IssueClientAsync("old@example.com");
        clock.Advance(TimeSpan.FromDays(60));
        var recent = await f.IssueClientAsync("recent@example.com");
        int before = await f.Host.Authority.ListCertificatesAsync(new CertificateQuery { Limit = 100 }).CountAsync();
        var caCertificates = new CertificateQuery { Type = CertificateType.CertificateAuthority, Limit = 100 };
        int authorities = await f.Host.Authority.ListCertificatesAsync(caCertificates).CountAsync();

        clock.Advance(PastCertificateRetention - TimeSpan.FromDays(60));
        var report = await TidyAsync(f);

        Assert.Equal((1, 1, 0, 0), (report.CertificatesRemoved, report.PrivateKeysRemoved, report.TokensRemoved, report.CrlsRemoved));
        Assert.Equal(5, report.Batches); // one of each kind (tokens, CRLs, unreferenced keys), certificates one per CA (root, issuing)
        Assert.False(report.StoppedEarly);
        Assert.Equal(clock.GetUtcNow(), report.StartedAt);
        Assert.Equal(before - 1, await f.Host.Authority.ListCertificatesAsync(new CertificateQuery { Limit = 100 }).CountAsync());
        var missing = await Assert.ThrowsAsync<PkiException>(() => f.Host.Authority.GetCertificateAsync(old.Record.Id).AsTask());
        Assert.Equal(PkiErrorCode.CertificateNotFound, missing.Code);
        Assert.Null(await f.Host.Get<IPrivateKeyStore>().GetAsync(old.Record.PrivateKeyId!, CancellationToken.None));
        Assert.NotNull(await f.Host.Get<IPrivateKeyStore>().GetAsync(recent.Record.PrivateKeyId!, CancellationToken.None));

        // Long after the issuing CA (1800 days) expired too, its certificate stays; the recent certificate goes.
        clock.Advance(TimeSpan.FromDays(2000));
        Assert.Equal(1, (await TidyAsync(f)).CertificatesRemoved);
        Assert.Equal(1, authorities);
        Assert.Equal(authorities, await f.Host.Authority.ListCertificatesAsync(caCertificates).CountAsync());
    }

    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 1)]
    public async Task A_revoked_certificate_stays_while_CRLs_keep_expired_entries(bool keepExpiredOnCrl, int removed)
    {
        var (f, clock) = await CreateAsync(o => o.Revocation.KeepExpiredOnCrl = keepExpiredOnCrl);
        var revoked = await f.IssueClientAsync();
        await f.RevokeAsync(revoked);
        clock.Advance(PastCertificateRetention);
        Assert.Equal(0, (await TidyAsync(f)).CertificatesRemoved); // no CRL issued after its expiry has listed it yet
        await f.Revocation.CreateCrlAsync(CaReference.ById(f.Issuing.Id));
        clock.Advance(TimeSpan.FromMinutes(1));

        var report = await TidyAsync(f);

        Assert.Equal(removed, report.CertificatesRemoved);
        if (keepExpiredOnCrl)
        {
            Assert.Equal(CertificateStatus.Revoked, (await f.Revocation.GetStatusAsync(CertificateReference.ById(revoked.Record.Id))).Status);
            Assert.Equal(1, (await f.Revocation.CreateCrlAsync(CaReference.ById(f.Issuing.Id))).EntryCount);
        }
    }

    [Fact]
    public async Task A_used_token_goes_after_its_retention_and_its_certificate_in_the_same_pass()
    {
        var (f, clock) = await CreateAsync();
        var tokens = f.Host.Get<IRequestTokenService>();
        var used = await tokens.CreateAsync(new CreateRequestTokenRequest { Name = "device-1", Authority = CaReference.ById(f.Issuing.Id), ValidityDays = 30 });
        var unused = await tokens.CreateAsync(new CreateRequestTokenRequest { Name = "device-2", Authority = CaReference.ById(f.Issuing.Id), ValidityDays = 30, ExpiresAt = clock.GetUtcNow().AddDays(1) });
        var issued = await tokens.RedeemAsync(new RedeemRequestTokenRequest { Secret = used.Secret, Csr = CsrInput.FromPem(GovernanceHost.ClientCsr()) });

        clock.Advance(TimeSpan.FromDays(29)); // the unused token expired 28 days ago: kept for 2 more days
        var early = await TidyAsync(f, new TidyRequest { Targets = TidyTargets.Tokens });
        clock.Advance(PastCertificateRetention - TimeSpan.FromDays(29));
        var late = await TidyAsync(f);

        Assert.Equal(0, early.TokensRemoved);
        Assert.Equal(1, early.Batches);
        Assert.Equal((2, 1), (late.TokensRemoved, late.CertificatesRemoved));
        await Assert.ThrowsAsync<PkiException>(() => tokens.GetAsync(unused.Token.Id).AsTask());
        await Assert.ThrowsAsync<PkiException>(() => f.Host.Authority.GetCertificateAsync(issued.Record.Id).AsTask());
    }

    [Fact]
    public async Task Superseded_CRLs_go_after_their_retention_and_the_latest_stays()
    {
        var (f, clock) = await CreateAsync();
        var ca = CaReference.ById(f.Issuing.Id);
        await f.Revocation.CreateCrlAsync(ca);
        await f.Revocation.CreateDeltaCrlAsync(ca);
        await f.Revocation.CreateCrlAsync(ca);
        await f.Revocation.CreateDeltaCrlAsync(ca);
        var latest = await f.Revocation.CreateCrlAsync(ca);

        // The first delta CRL's nextUpdate is 1 day away, the first two full CRLs' 7 days; the retention is 90 days after that.
        clock.Advance(TimeSpan.FromDays(1 + 90) + TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await TidyAsync(f)).CrlsRemoved);
        clock.Advance(TimeSpan.FromDays(6));
        Assert.Equal(2, (await TidyAsync(f)).CrlsRemoved);

        Assert.Equal(latest.Number, (await f.Host.Get<IRevocationStore>().GetLatestCrlAsync(f.Issuing.Id, delta: false, CancellationToken.None))!.Number);
        Assert.Equal(0, (await TidyAsync(f)).CrlsRemoved);
    }

    [Fact]
    public async Task Batches_are_bounded_and_a_pass_that_hits_the_bound_says_so()
    {
        var (f, clock) = await CreateAsync(o =>
        {
            o.Tidy.BatchSize = 2;
            o.Tidy.MaxBatchesPerRun = 2;
        });
        for (int i = 0; i < 5; i++)
        {
            await f.IssueClientAsync($"c{i}@example.com");
        }

        clock.Advance(PastCertificateRetention);
        var first = await TidyAsync(f, new TidyRequest { Targets = TidyTargets.Certificates });
        var second = await TidyAsync(f, new TidyRequest { Targets = TidyTargets.Certificates, MaxBatchesPerKind = 10 });

        // CA by CA (in id order: the root's empty probe comes first or not at all); only batches that removed something
        // count toward the bound.
        Assert.Equal((4, true), (first.CertificatesRemoved, first.StoppedEarly));
        Assert.InRange(first.Batches, 2, 3);
        Assert.Equal((1, 2, false), (second.CertificatesRemoved, second.Batches, second.StoppedEarly));
        var error = await Assert.ThrowsAsync<PkiException>(() => TidyAsync(f, new TidyRequest { MaxBatchesPerKind = 0 }).AsTask());
        Assert.Equal(PkiErrorCode.InvalidRequest, error.Code);
        Assert.Contains(nameof(TidyRequest.MaxBatchesPerKind), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_pass_stops_before_the_next_batch()
    {
        var (f, _) = await CreateAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => f.Host.Get<ITidyService>().TidyAsync(null, cancelled.Token).AsTask());
    }

    [Fact]
    public async Task Only_superusers_may_tidy_and_every_pass_is_audited_once()
    {
        using var g = await GovernanceHost.CreateAsync();
        var tidy = g.Host.Get<ITidyService>();
        var admin = GovernanceHost.Member("acme", PkiRoles.Admin);

        var denied = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(admin, () => tidy.TidyAsync().AsTask()));
        await g.AsAsync(GovernanceHost.Member("elsewhere", PkiRoles.Superuser), () => tidy.TidyAsync().AsTask());

        Assert.Equal(PkiErrorCode.Forbidden, denied.Code);
        var events = await g.Host.Get<IAuditLog>().QueryAsync(new AuditQuery { Limit = 1000 }).Where(e => e.Action == "storage.tidy").ToListAsync();
        Assert.Equal([AuditOutcome.Denied, AuditOutcome.Success], events.Select(e => e.Outcome));
        Assert.Equal(["acme-user", "elsewhere-user"], events.Select(e => e.Actor));
    }

    [Fact]
    public async Task Work_the_library_starts_itself_is_audited_as_the_system_caller()
    {
        using var g = await GovernanceHost.CreateAsync();
        g.Callers.Caller = new PkiCaller { Subject = "anonymous" };

        using (ScopedCallerAccessor.RunAsSystem())
        {
            await g.Host.Get<ITidyService>().TidyAsync();
        }

        var last = await g.AsAsync(PkiCaller.System, () => g.Host.Get<IAuditLog>().QueryAsync(new AuditQuery { Limit = 1000 }).LastAsync().AsTask());
        Assert.Equal(("storage.tidy", "system", AuditOutcome.Success), (last.Action, last.Actor, last.Outcome));
        await Assert.ThrowsAsync<PkiException>(() => g.Host.Get<ITidyService>().TidyAsync().AsTask());
    }

    [Theory]
    [InlineData("BatchSize", "Tidy.BatchSize must be between 1 and 10000, not 0.")]
    [InlineData("Retention", "Tidy.TokenRetention must be between 0 and 36600 days, not -00:00:01.")]
    [InlineData("Interval", "Tidy.Interval must be between 1 minute and 7 days, not 00:00:30.")]
    [InlineData("GracePeriod", "Tidy.UnreferencedKeyGracePeriod must be between 1 hour and 36600 days, not 00:59:00.")]
    public void Tidy_options_are_validated_at_start_up_naming_the_value(string option, string message)
    {
        var error = Assert.Throws<OptionsValidationException>(() => new PkiTestHost(o =>
        {
            switch (option)
            {
                case "BatchSize":
                    o.Tidy.BatchSize = 0;
                    break;
                case "Retention":
                    o.Tidy.TokenRetention = TimeSpan.FromSeconds(-1);
                    break;
                case "GracePeriod":
                    o.Tidy.UnreferencedKeyGracePeriod = TimeSpan.FromMinutes(59);
                    break;
                default:
                    o.Tidy.Interval = TimeSpan.FromSeconds(30);
                    break;
            }
        }));
        Assert.Contains(message, error.Failures);
    }
}
