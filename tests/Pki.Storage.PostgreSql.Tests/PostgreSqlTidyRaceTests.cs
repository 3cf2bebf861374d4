using Npgsql;
using Pki.Core;
using Pki.Storage.Conformance;
using Pki.Storage.PostgreSql.Tests.TestSupport;

namespace Pki.Storage.PostgreSql.Tests;

/// <summary>
/// Tidy never removes a certificate a request token is being stored for: the token's transaction holds the certificate
/// row FOR KEY SHARE until it commits, and the purge skips rows locked that way (its snapshot cannot see the token yet).
/// </summary>
public sealed class PostgreSqlTidyRaceTests(PostgreSqlDatabaseFixture fixture) : IClassFixture<PostgreSqlDatabaseFixture>
{
    private static readonly DateTimeOffset Cutoff = ConformanceRecords.BaseTime.AddDays(400);

    [Fact]
    public async Task A_purge_skips_an_expired_certificate_a_token_is_being_stored_for()
    {
        var db = await fixture.NewSchemaAsync();
        var stores = PostgreSqlStoreSet.Over(db);
        var authority = ConformanceRecords.NewAuthoritySummary();
        var held = Expired(authority);
        var free = Expired(authority);
        await stores.Certificates.AddAsync(held, CancellationToken.None);
        await stores.Certificates.AddAsync(free, CancellationToken.None);

        // What a token's transaction does before it inserts the token that names the certificate.
        var builder = new NpgsqlConnectionStringBuilder(fixture.ConnectionString) { SearchPath = db.Schema };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM pki_certificates WHERE id = @id FOR KEY SHARE", connection, transaction))
            {
                lockRow.Parameters.AddWithValue("id", held.Id);
                Assert.NotNull(await lockRow.ExecuteScalarAsync());
            }

            var purged = await stores.Certificates.PurgeExpiredAsync(new CertificatePurge(Cutoff, 100), CancellationToken.None);

            Assert.Equal(1, purged.Certificates); // the free one; the held one is skipped, not waited for
            Assert.NotNull(await stores.Certificates.GetAsync(held.Id, CancellationToken.None));
            Assert.Null(await stores.Certificates.GetAsync(free.Id, CancellationToken.None));
            await transaction.RollbackAsync();
        }
    }

    private static CertificateRecord Expired(AuthoritySummary authority) =>
        ConformanceRecords.Certificate(authority) with
        {
            Status = CertificateStatus.Active,
            RevokedAt = null,
            TokenId = null,
            PrivateKeyId = null,
            IssuedOn = Cutoff.AddDays(-400),
            ExpiresOn = Cutoff.AddDays(-1),
        };
}
