using System.Security.Cryptography;
using Pki.Core;
using Pki.Storage.Sqlite.Tests.TestSupport;

namespace Pki.Storage.Sqlite.Tests;

/// <summary>
/// An issuance's audit event is written in the transaction that stores its certificate (PendingAuditEvent): one commit
/// per issuance, and never a certificate without its event or an event without its certificate.
/// </summary>
public sealed class AuditedWriteTests : IDisposable
{
    private readonly TempDatabase _file = new();
    private readonly SqlitePkiHost _host;

    public AuditedWriteTests()
    {
        _host = new SqlitePkiHost(_file.ConnectionString, RandomNumberGenerator.GetBytes(32));
    }

    [Fact]
    public async Task Signing_a_csr_commits_the_certificate_and_its_event_once_together()
    {
        var (_, issuing) = await _host.CreateHierarchyAsync();
        var request = new SignCsrRequest { Authority = CaReference.ById(issuing.Id), CsrPem = SqlitePkiHost.Csr(), Profile = CertificateProfiles.Client };
        await _host.Get<ICsrSigner>().SignAsync(request); // first use: loads the CA key
        long commitsBefore = Database.Commits;

        var issued = await _host.Get<ICsrSigner>().SignAsync(request);

        Assert.Equal(commitsBefore + 1, Database.Commits);
        var events = await EventsAsync(issued.Record.Id);
        var only = Assert.Single(events);
        Assert.Equal(("certificate.sign-csr", AuditOutcome.Success, issuing.Id), (only.Action, only.Outcome, only.AuthorityId));
        Assert.True((await _host.Audit.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task Redeeming_a_token_commits_certificate_token_and_event_once_together()
    {
        var token = await CreateHierarchyAndTokenAsync();
        long commitsBefore = Database.Commits;

        var redeemed = await _host.Tokens.RedeemAsync(new RedeemRequestTokenRequest { Secret = token.Secret, Csr = CsrInput.FromPem(SqlitePkiHost.Csr()) });

        Assert.Equal(commitsBefore + 1, Database.Commits);
        Assert.Equal("token.redeem", Assert.Single(await EventsAsync(redeemed.Record.Id)).Action);
        Assert.True((await _host.Audit.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task Creating_a_token_commits_the_token_and_its_event_once_together()
    {
        var (_, issuing) = await _host.CreateHierarchyAsync();
        long commitsBefore = Database.Commits;

        var created = await _host.Tokens.CreateAsync(new CreateRequestTokenRequest { Name = "device", Authority = CaReference.ById(issuing.Id), CommonName = "device-1" });

        Assert.Equal(commitsBefore + 1, Database.Commits);
        Assert.Equal("token.create", Assert.Single(await EventsAsync(created.Token.Id)).Action);
        Assert.True((await _host.Audit.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task Creating_a_crl_commits_the_crl_and_its_event_together()
    {
        var (_, issuing) = await _host.CreateHierarchyAsync();
        var revocation = _host.Get<IRevocationService>();
        var ca = CaReference.ById(issuing.Id);
        await revocation.CreateCrlAsync(ca); // first use: loads the CA key
        long commitsBefore = Database.Commits;

        var crl = await revocation.CreateCrlAsync(ca);
        var delta = await revocation.CreateDeltaCrlAsync(ca);

        // Each: its CRL number, the check that no other builder took a higher one, the CRL with its event.
        Assert.Equal(commitsBefore + 6, Database.Commits);
        string number = crl.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("crl.create", Assert.Single(await _host.Audit.QueryAsync(new AuditQuery { Action = "crl.create", ObjectId = number }).ToListAsync()).Action);
        string deltaNumber = delta.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Single(await _host.Audit.QueryAsync(new AuditQuery { Action = "crl.create-delta", ObjectId = deltaNumber }).ToListAsync());
        Assert.True((await _host.Audit.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task A_delta_crl_that_makes_its_base_first_names_the_delta_in_its_one_event()
    {
        var (_, issuing) = await _host.CreateHierarchyAsync();

        var delta = await _host.Get<IRevocationService>().CreateDeltaCrlAsync(CaReference.ById(issuing.Id));

        var events = await _host.Audit.QueryAsync(new AuditQuery { Action = "crl.create-delta" }).ToListAsync();
        Assert.Equal(delta.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(events).ObjectId);
        Assert.True((await _host.Audit.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task Concurrent_issuances_each_get_exactly_one_event_and_the_chain_stays_intact()
    {
        var (_, issuing) = await _host.CreateHierarchyAsync();
        var signer = _host.Get<ICsrSigner>();
        var request = new SignCsrRequest { Authority = CaReference.ById(issuing.Id), CsrPem = SqlitePkiHost.Csr(), Profile = CertificateProfiles.Client };

        var issued = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(async () => await signer.SignAsync(request))));

        var events = await _host.Audit.QueryAsync(new AuditQuery { Action = "certificate.sign-csr", Limit = 1000 }).ToListAsync();
        Assert.Equal(issued.Select(i => i.Record.Id).Order(StringComparer.Ordinal), events.Select(e => e.ObjectId!).Order(StringComparer.Ordinal));
        Assert.True((await _host.Audit.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task Refused_writes_in_the_same_batches_as_good_ones_leave_one_event_each_and_an_intact_chain()
    {
        // Redemptions of one token race with CSR signings: the losers fail, often inside batches that also carry good
        // writes (such a batch is rolled back and run again with a savepoint per write; GroupCommitTests pin that exactly).
        var token = await CreateHierarchyAndTokenAsync();
        var issuing = await _host.Get<ICertificateAuthority>().GetAsync(CaReference.ByName("Issuing", "Acme Corp"));
        var signing = new SignCsrRequest { Authority = CaReference.ById(issuing.Id), CsrPem = SqlitePkiHost.Csr(), Profile = CertificateProfiles.Client };
        var signer = _host.Get<ICsrSigner>();
        await signer.SignAsync(signing); // first use: loads the CA key

        var redemptions = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
            await _host.Tokens.RedeemAsync(new RedeemRequestTokenRequest { Secret = token.Secret, Csr = CsrInput.FromPem(SqlitePkiHost.Csr()) }))).ToList();
        var signings = Enumerable.Range(0, 16).Select(_ => Task.Run(async () => await signer.SignAsync(signing))).ToList();
        var signed = await Task.WhenAll(signings);
        var outcomes = await Task.WhenAll(redemptions.Select(async r =>
        {
            try
            {
                return (await r).Record.Id;
            }
            catch (PkiException ex) when (ex.Code == PkiErrorCode.TokenAlreadyUsed)
            {
                return null;
            }
        }));

        string redeemed = Assert.Single(outcomes, id => id is not null)!;
        Assert.Equal("token.redeem", Assert.Single(await EventsAsync(redeemed)).Action);
        foreach (var issued in signed)
        {
            Assert.Equal("certificate.sign-csr", Assert.Single(await EventsAsync(issued.Record.Id)).Action);
        }

        var redeemEvents = await _host.Audit.QueryAsync(new AuditQuery { Action = "token.redeem", Limit = 100 }).ToListAsync();
        Assert.Equal(1, redeemEvents.Count(e => e.Outcome == AuditOutcome.Success));
        Assert.Equal(15, redeemEvents.Count(e => e.Outcome == AuditOutcome.Failure));
        var verification = await _host.Audit.VerifyAsync();
        Assert.True(verification.IsIntact);
    }

    [Fact]
    public async Task A_refused_redemption_stores_neither_certificate_nor_success_event_and_records_the_failure()
    {
        var token = await CreateHierarchyAndTokenAsync();
        await _host.Tokens.RedeemAsync(new RedeemRequestTokenRequest { Secret = token.Secret, Csr = CsrInput.FromPem(SqlitePkiHost.Csr()) });

        var error = await Assert.ThrowsAsync<PkiException>(async () =>
            await _host.Tokens.RedeemAsync(new RedeemRequestTokenRequest { Secret = token.Secret, Csr = CsrInput.FromPem(SqlitePkiHost.Csr()) }));

        Assert.Equal(PkiErrorCode.TokenAlreadyUsed, error.Code);
        var redemptions = await _host.Audit.QueryAsync(new AuditQuery { Action = "token.redeem" }).ToListAsync();
        Assert.Equal([AuditOutcome.Success, AuditOutcome.Failure], redemptions.Select(e => e.Outcome));
        Assert.True((await _host.Audit.VerifyAsync()).IsIntact);
    }

    public void Dispose()
    {
        _host.Dispose();
        _file.Dispose();
    }

    private SqliteDatabase Database => _host.Get<SqliteDatabase>();

    /// <summary>The host's CA hierarchy and one request token for alice@example.com under the issuing CA.</summary>
    private async Task<CreatedRequestToken> CreateHierarchyAndTokenAsync()
    {
        await _host.CreateHierarchyAsync();
        return await _host.Tokens.CreateAsync(new CreateRequestTokenRequest
        {
            Name = "laptop",
            Authority = CaReference.ByName("Issuing", "Acme Corp"),
            CommonName = "alice@example.com",
            OwnerOrganization = "Acme Corp",
        });
    }

    private async Task<List<AuditEvent>> EventsAsync(string objectId) =>
        await _host.Audit.QueryAsync(new AuditQuery { ObjectId = objectId }).ToListAsync();
}
