using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Pki.Core;
using Pki.Storage.PostgreSql.Tests.TestSupport;

namespace Pki.Storage.PostgreSql.Tests;

/// <summary>
/// Several CA hosts over one database: two service providers, each with its own data source and connection pool,
/// issue, redeem and build CRLs at the same time; and a host that restarts finds everything again.
/// </summary>
public sealed class PostgreSqlScaleOutTests(PostgreSqlDatabaseFixture fixture) : IClassFixture<PostgreSqlDatabaseFixture>
{
    private const int Tokens = 200;
    private const int WorkersPerHost = 6;
    private const int RedeemersPerHost = 2;

    [Fact]
    public async Task Two_hosts_redeeming_the_same_tokens_yield_exactly_one_certificate_per_token()
    {
        string connectionString = await fixture.NewSchemaConnectionStringAsync();
        await using var first = new PkiHost(connectionString);
        await using var second = new PkiHost(connectionString);
        var ca = await first.CreateIssuingCaAsync("Redeem");
        var created = new List<CreatedRequestToken>();
        for (int i = 0; i < Tokens; i++)
        {
            created.Add(await (i % 2 == 0 ? first : second).Tokens.CreateAsync(new CreateRequestTokenRequest
            {
                Name = "token-" + i,
                Authority = CaReference.ById(ca.Id),
                Organization = "Acme Corp",
                ValidityDays = 30,
            }));
        }

        var wins = new ConcurrentBag<(string TokenId, string CertificateId, string Serial)>();
        var unexpected = new ConcurrentBag<Exception>();
        async Task RedeemAllAsync(PkiHost host, int worker)
        {
            // Each worker walks the tokens in its own order, so both hosts contend for every token.
            var order = created.Select((token, index) => (token, index)).OrderBy(t => (t.index * 7919 + worker * 104729) % Tokens);
            foreach (var (token, _) in order)
            {
                try
                {
                    var issued = await host.Tokens.RedeemAsync(new RedeemRequestTokenRequest { Secret = token.Secret, Csr = CsrInput.FromPem(PkiHost.NewCsr("client")) });
                    wins.Add((token.Token.Id, issued.Record.Id, issued.Record.SerialNumberHex));
                }
                catch (PkiException e) when (e.Code == PkiErrorCode.TokenAlreadyUsed)
                {
                }
                catch (Exception e)
                {
                    unexpected.Add(e);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, RedeemersPerHost * 2).Select(w => Task.Run(() => RedeemAllAsync(w % 2 == 0 ? first : second, w))));

        Assert.Empty(unexpected);
        Assert.Equal(Tokens, wins.Count);
        Assert.Equal(Tokens, wins.Select(w => w.TokenId).Distinct().Count());
        Assert.Equal(Tokens, wins.Select(w => w.Serial).Distinct().Count());
        var certificates = await ReadAllAsync(first.Get<ICertificateStore>(), ca.Id);
        Assert.Equal(wins.Select(w => w.CertificateId).Order(StringComparer.Ordinal), certificates.Select(c => c.Id));
        foreach (var win in wins)
        {
            var token = await second.Tokens.GetAsync(win.TokenId);
            Assert.Equal(RequestTokenState.Used, token.State);
            Assert.Equal(win.CertificateId, token.CertificateId);
        }

        Assert.True((await first.Audit.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task A_revocation_by_a_host_whose_clock_is_behind_reaches_the_other_hosts_next_crl_and_delta()
    {
        // Host B's clock runs ten minutes behind host A's. B revokes after A made its CRLs; B's stamp is earlier than
        // theirs. A must neither serve its CRLs as still fresh nor leave the revocation off its next delta.
        string connectionString = await fixture.NewSchemaConnectionStringAsync();
        var start = TimeProvider.System.GetUtcNow();
        var clockA = new FakeTimeProvider(start);
        var clockB = new FakeTimeProvider(start - TimeSpan.FromMinutes(10));
        await using var a = new PkiHost(connectionString, clockA);
        await using var b = new PkiHost(connectionString, clockB);
        var ca = await a.CreateIssuingCaAsync("Skew");
        var reference = CaReference.ById(ca.Id);
        var leaf = await a.IssueAsync(ca, "skew.example.com");
        Assert.Equal(0, (await a.Revocation.GetCrlAsync(reference)).EntryCount);
        var full = await a.Revocation.GetCrlAsync(reference);
        var delta = await a.Revocation.GetDeltaCrlAsync(reference);
        clockA.Advance(TimeSpan.FromMinutes(1));
        clockB.Advance(TimeSpan.FromMinutes(1));

        await b.Revocation.RevokeAsync(new RevokeCertificateRequest { Certificate = CertificateReference.ById(leaf.Record.Id), Reason = RevocationReason.KeyCompromise });
        clockA.Advance(TimeSpan.FromMinutes(1));

        var deltaAfter = await a.Revocation.GetDeltaCrlAsync(reference);
        Assert.True(deltaAfter.Number > delta.Number, "host A served its delta CRL made before the revocation as still fresh");
        Assert.Equal(full.Number, deltaAfter.BaseCrlNumber);
        Assert.Equal(1, deltaAfter.EntryCount); // the one revocation of this CA
        var fullAfter = await a.Revocation.GetCrlAsync(reference);
        Assert.True(fullAfter.Number > full.Number, "host A served its full CRL made before the revocation as still fresh");
        Assert.Equal(1, fullAfter.EntryCount);
    }

    [Fact]
    public async Task Two_hosts_issue_without_duplicate_serials_and_take_strictly_increasing_CRL_numbers()
    {
        string connectionString = await fixture.NewSchemaConnectionStringAsync();
        await using var first = new PkiHost(connectionString);
        await using var second = new PkiHost(connectionString);
        var ca = await first.CreateIssuingCaAsync("Issue");
        var crlNumbers = new ConcurrentDictionary<int, List<long>>();

        async Task WorkAsync(PkiHost host, int worker)
        {
            var numbers = crlNumbers.GetOrAdd(worker, _ => []);
            for (int i = 0; i < 10; i++)
            {
                await host.IssueAsync(ca, $"w{worker}-{i}.example.com");
                if (i % 2 == 0)
                {
                    numbers.Add((await host.Revocation.CreateCrlAsync(CaReference.ById(ca.Id))).Number);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, WorkersPerHost * 2).Select(w => Task.Run(() => WorkAsync(w % 2 == 0 ? first : second, w))));

        var certificates = await ReadAllAsync(second.Get<ICertificateStore>(), ca.Id);
        Assert.Equal(WorkersPerHost * 2 * 10, certificates.Count);
        Assert.Equal(certificates.Count, certificates.Select(c => c.SerialNumber).Distinct().Count());
        foreach (var numbers in crlNumbers.Values)
        {
            Assert.True(numbers.Zip(numbers.Skip(1)).All(pair => pair.First < pair.Second), "Each host's CRL numbers must strictly increase.");
        }

        var all = crlNumbers.Values.SelectMany(n => n).Order().ToList();
        Assert.Equal(all.Distinct().Count(), all.Count);
        long next = (await first.Revocation.CreateCrlAsync(CaReference.ById(ca.Id))).Number;
        Assert.True(next > all[^1]);
        Assert.Equal(next, (await second.Revocation.GetCrlAsync(CaReference.ById(ca.Id))).Number);
        Assert.True((await second.Audit.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task A_restarted_host_finds_every_record_and_continues_the_CRL_numbers()
    {
        string connectionString = await fixture.NewSchemaConnectionStringAsync();
        AuthorityRecord ca;
        IssuedCertificate revoked;
        long crlNumber;
        await using (var before = new PkiHost(connectionString))
        {
            ca = await before.CreateIssuingCaAsync("Restart");
            await before.IssueAsync(ca, "kept.example.com");
            revoked = await before.IssueAsync(ca, "revoked.example.com");
            await before.Revocation.RevokeAsync(new RevokeCertificateRequest
            {
                Certificate = CertificateReference.ById(revoked.Record.Id),
                Reason = RevocationReason.KeyCompromise,
            });
            crlNumber = (await before.Revocation.CreateCrlAsync(CaReference.ById(ca.Id))).Number;
        }

        await using var after = new PkiHost(connectionString);
        var status = await after.Revocation.GetStatusAsync(CertificateReference.ById(revoked.Record.Id));
        Assert.Equal(CertificateStatus.Revoked, status.Status);
        Assert.Equal(RevocationReason.KeyCompromise, status.RevocationReason);
        Assert.Equal(2, (await ReadAllAsync(after.Get<ICertificateStore>(), ca.Id)).Count);
        var crl = await after.Revocation.CreateCrlAsync(CaReference.ById(ca.Id));
        Assert.Equal(crlNumber + 1, crl.Number);
        Assert.Equal(1, crl.EntryCount);

        // The CA's key was stored encrypted and is usable again after the restart.
        var issued = await after.IssueAsync(ca, "after-restart.example.com");
        Assert.Equal(ca.Id, issued.Record.CertificateAuthority.Id);
        Assert.True((await after.Audit.VerifyAsync()).IsIntact);
    }

    private static async Task<List<CertificateRecord>> ReadAllAsync(ICertificateStore store, string authorityId)
    {
        var all = new List<CertificateRecord>();
        string? after = null;
        while (true)
        {
            var page = new List<CertificateRecord>();
            await foreach (var record in store.QueryAsync(new CertificateQuery { AuthorityId = authorityId, After = after, Limit = 100 }, CancellationToken.None))
            {
                page.Add(record);
            }

            all.AddRange(page);
            if (page.Count < 100)
            {
                return all;
            }

            after = page[^1].Id;
        }
    }
}
