using Npgsql;
using Pki.Core;
using Pki.Storage.Conformance;
using Pki.Storage.PostgreSql.Tests.TestSupport;

namespace Pki.Storage.PostgreSql.Tests;

/// <summary>
/// Status-change numbers whoever writes the change: a host of the previous version during a rolling upgrade (its UPDATE
/// brings no number; migration 11's trigger gives one), and concurrent transactions that store records with a status
/// history for two CAs.
/// </summary>
public sealed class PostgreSqlStatusChangeNumberingTests(PostgreSqlDatabaseFixture fixture) : IClassFixture<PostgreSqlDatabaseFixture>
{
    /// <summary>Rolling upgrade: a host of the previous version (still running after a new host applied migrations 10 and
    /// 11) writes a status change with its own SQL, without a number.</summary>
    [Fact]
    public async Task A_revocation_written_by_a_not_yet_upgraded_host_is_numbered_and_reaches_the_next_delta()
    {
        string connectionString = await fixture.NewSchemaConnectionStringAsync();
        await using var host = new PkiHost(connectionString);
        var ca = await host.CreateIssuingCaAsync("Rolling");
        var reference = CaReference.ById(ca.Id);
        var leaf = await host.IssueAsync(ca, "rolling.example.com");
        var full = await host.Revocation.GetCrlAsync(reference);
        var delta = await host.Revocation.GetDeltaCrlAsync(reference);

        // The previous version's TryChangeStatusAsync statement, verbatim (an old host still running).
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var old = new NpgsqlCommand(
                "UPDATE pki_certificates SET status = @new_status, revocation_reason = @reason, revoked_at = @revoked_at, "
                + "invalidity_date = NULL, revocation_comment = NULL, status_changed_at = @changed_at "
                + "WHERE id = @id AND status = @expected_status", connection);
            long now = TimeProvider.System.GetUtcNow().UtcTicks;
            old.Parameters.AddWithValue("new_status", (short)CertificateStatus.Revoked);
            old.Parameters.AddWithValue("reason", (short)RevocationReason.KeyCompromise);
            old.Parameters.AddWithValue("revoked_at", now);
            old.Parameters.AddWithValue("changed_at", now);
            old.Parameters.AddWithValue("id", leaf.Record.Id);
            old.Parameters.AddWithValue("expected_status", (short)CertificateStatus.Active);
            Assert.Equal(1, await old.ExecuteNonQueryAsync());
        }

        var deltaAfter = await host.Revocation.GetDeltaCrlAsync(reference);
        Assert.True(deltaAfter.Number > delta.Number, "the delta made before the revocation is still served as fresh");
        Assert.Equal(full.Number, deltaAfter.BaseCrlNumber);
        Assert.Equal(1, deltaAfter.EntryCount); // the old host's revocation
        var fullAfter = await host.Revocation.GetCrlAsync(reference);
        Assert.True(fullAfter.Number > full.Number, "the full CRL made before the revocation is still served as fresh");
        Assert.Equal(1, fullAfter.EntryCount);
    }

    /// <summary>
    /// Two transactions that each store a record with a status history (an import of a revoked certificate) for two CAs,
    /// in opposite orders, take the two CAs' counter rows in opposite orders. PostgreSQL may abort one as a deadlock: it
    /// is reported as <see cref="PkiErrorCode.ConcurrencyConflict"/> (retryable), never as a raw database error, and the
    /// other commits.
    /// </summary>
    [Fact]
    public async Task History_inserts_for_two_CAs_in_opposite_orders_commit_or_fail_as_a_retryable_conflict()
    {
        var db = await fixture.NewSchemaAsync();
        var stores = PostgreSqlStoreSet.Over(db);
        var x = ConformanceRecords.NewAuthoritySummary();
        var y = ConformanceRecords.NewAuthoritySummary();
        CertificateRecord Revoked(AuthoritySummary ca) => ConformanceRecords.Certificate(ca) with
        {
            Status = CertificateStatus.Revoked,
            RevocationReason = RevocationReason.KeyCompromise,
            RevokedAt = ConformanceRecords.BaseTime,
            StatusChangedAt = ConformanceRecords.BaseTime,
        };

        var both = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int arrived = 0;
        async Task RunAsync(AuthoritySummary first, AuthoritySummary second)
        {
            await using var transaction = StoreTransaction.Begin();
            await stores.Certificates.AddAsync(Revoked(first), CancellationToken.None);
            if (Interlocked.Increment(ref arrived) == 2)
            {
                both.SetResult();
            }

            await both.Task;
            await stores.Certificates.AddAsync(Revoked(second), CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        }

        var outcomes = new List<Exception?>();
        foreach (var task in new[] { Task.Run(() => RunAsync(x, y)), Task.Run(() => RunAsync(y, x)) })
        {
            try
            {
                await task.WaitAsync(TimeSpan.FromSeconds(60));
                outcomes.Add(null);
            }
            catch (Exception ex)
            {
                outcomes.Add(ex);
            }
        }

        Assert.Contains(null, outcomes);
        foreach (var failure in outcomes.OfType<Exception>())
        {
            Assert.Equal(PkiErrorCode.ConcurrencyConflict, Assert.IsType<PkiException>(failure).Code);
        }

        // Each committed transaction stored one record of each CA; a rolled-back one took back its numbers.
        long committed = outcomes.Count(o => o is null);
        Assert.Equal(committed, await stores.Revocation.GetLastChangeSequenceAsync(x.Id, CancellationToken.None));
        Assert.Equal(committed, await stores.Revocation.GetLastChangeSequenceAsync(y.Id, CancellationToken.None));
    }
}
