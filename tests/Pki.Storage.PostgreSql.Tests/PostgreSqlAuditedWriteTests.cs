using Npgsql;
using Pki.Core;
using Pki.Storage.PostgreSql.Tests.TestSupport;

namespace Pki.Storage.PostgreSql.Tests;

/// <summary>
/// An issuance's audit event is inserted by the transaction that stores its certificate (PendingAuditEvent): PostgreSQL
/// shows it directly, both rows carry the same inserting transaction id (<c>xmin</c>).
/// </summary>
public sealed class PostgreSqlAuditedWriteTests(PostgreSqlDatabaseFixture fixture) : IClassFixture<PostgreSqlDatabaseFixture>
{
    [Fact]
    public async Task Issuance_redemption_and_token_creation_insert_the_record_and_its_event_in_one_transaction()
    {
        string connectionString = await fixture.NewSchemaConnectionStringAsync();
        await using var host = new PkiHost(connectionString);
        var ca = await host.CreateIssuingCaAsync("Atomic");
        var signed = await host.Get<ICsrSigner>().SignAsync(new SignCsrRequest
        {
            Authority = CaReference.ById(ca.Id),
            CsrPem = PkiHost.NewCsr("signed.example.com"),
            Profile = CertificateProfiles.Client,
            ValidityDays = 30,
        });
        var token = await host.Tokens.CreateAsync(new CreateRequestTokenRequest { Name = "device", Authority = CaReference.ById(ca.Id), CommonName = "device-1", ValidityDays = 30 });
        var redeemed = await host.Tokens.RedeemAsync(new RedeemRequestTokenRequest { Secret = token.Secret, Csr = CsrInput.FromPem(PkiHost.NewCsr("device-1")) });

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        foreach (var (certificateId, action) in new[] { (signed.Record.Id, "certificate.sign-csr"), (redeemed.Record.Id, "token.redeem") })
        {
            var events = await host.Audit.QueryAsync(new AuditQuery { ObjectId = certificateId }).ToListAsync();
            Assert.Equal(action, Assert.Single(events).Action);
            Assert.Equal(
                await TransactionIdAsync(dataSource, "SELECT xmin::text FROM pki_certificates WHERE id = @id", certificateId),
                await TransactionIdAsync(dataSource, "SELECT xmin::text FROM pki_audit_events WHERE object_id = @id", certificateId));
        }

        // A token's creation too: token and event in one transaction (a token not redeemed: redemption rewrites the row).
        var unused = await host.Tokens.CreateAsync(new CreateRequestTokenRequest { Name = "spare", Authority = CaReference.ById(ca.Id), CommonName = "device-2", ValidityDays = 30 });
        Assert.Equal("token.create", Assert.Single(await host.Audit.QueryAsync(new AuditQuery { ObjectId = unused.Token.Id }).ToListAsync()).Action);
        Assert.Equal(
            await TransactionIdAsync(dataSource, "SELECT xmin::text FROM pki_request_tokens WHERE id = @id", unused.Token.Id),
            await TransactionIdAsync(dataSource, "SELECT xmin::text FROM pki_audit_events WHERE object_id = @id", unused.Token.Id));
        Assert.True((await host.Audit.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task Concurrent_issuances_on_two_hosts_each_get_exactly_one_event_and_the_chain_stays_intact()
    {
        string connectionString = await fixture.NewSchemaConnectionStringAsync();
        await using var first = new PkiHost(connectionString);
        await using var second = new PkiHost(connectionString);
        var ca = await first.CreateIssuingCaAsync("Busy");
        var request = new SignCsrRequest { Authority = CaReference.ById(ca.Id), CsrPem = PkiHost.NewCsr("busy.example.com"), Profile = CertificateProfiles.Client, ValidityDays = 30 };

        var issued = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
            await (i % 2 == 0 ? first : second).Get<ICsrSigner>().SignAsync(request))));

        var events = await first.Audit.QueryAsync(new AuditQuery { Action = "certificate.sign-csr", Limit = 1000 }).ToListAsync();
        Assert.Equal(issued.Select(i => i.Record.Id).Order(StringComparer.Ordinal), events.Select(e => e.ObjectId!).Order(StringComparer.Ordinal));
        Assert.True((await second.Audit.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task A_crl_is_stored_with_its_event_in_one_transaction()
    {
        string connectionString = await fixture.NewSchemaConnectionStringAsync();
        await using var host = new PkiHost(connectionString);
        var ca = await host.CreateIssuingCaAsync("AtomicCrl");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        foreach (var crl in new[] { await host.Revocation.CreateCrlAsync(CaReference.ById(ca.Id)), await host.Revocation.CreateDeltaCrlAsync(CaReference.ById(ca.Id)) })
        {
            string number = crl.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var events = await host.Audit.QueryAsync(new AuditQuery { ObjectId = number, Action = crl.IsDelta ? "crl.create-delta" : "crl.create" }).ToListAsync();
            Assert.Equal(ca.Id, Assert.Single(events).AuthorityId);
            Assert.Equal(
                await TransactionIdAsync(dataSource, $"SELECT xmin::text FROM pki_crl_history WHERE authority_id = @id AND number = {number}", ca.Id),
                await TransactionIdAsync(dataSource, $"SELECT xmin::text FROM pki_audit_events WHERE authority_id = @id AND object_id = '{number}'", ca.Id));
        }

        Assert.True((await host.Audit.VerifyAsync()).IsIntact);
    }

    private static async Task<string?> TransactionIdAsync(NpgsqlDataSource dataSource, string sql, string id)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("id", id);
        return (string?)await command.ExecuteScalarAsync();
    }
}
