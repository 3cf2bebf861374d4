using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Pki.Core;
using Pki.Storage.Conformance;
using Pki.Storage.PostgreSql.Tests.TestSupport;

namespace Pki.Storage.PostgreSql.Tests;

/// <summary>
/// The store-transaction conformance, and what only PostgreSQL shows: one connection and transaction per operation,
/// the audit log's lock held to the commit, savepoints, a transaction that can no longer commit.
/// </summary>
public sealed class PostgreSqlStoreTransactionTests(PostgreSqlDatabaseFixture fixture) : StoreTransactionConformance, IClassFixture<PostgreSqlDatabaseFixture>
{
    protected override bool Isolates => true;

    protected override async ValueTask<(TidyStores Stores, IAuditStore Audit)> CreateStoresAsync()
    {
        var (stores, audit, _) = await CreateWithDatabaseAsync();
        return (stores, audit);
    }

    [Fact]
    public async Task Reads_before_the_first_write_use_the_pool_and_the_first_write_begins_the_transaction()
    {
        var (stores, _, db) = await CreateWithDatabaseAsync();
        await using var transaction = StoreTransaction.Begin();

        Assert.Null(await stores.Certificates.GetAsync(ConformanceRecords.NewId(), NoCancellation));
        Assert.Null(transaction.FindParticipant<PostgreSqlTransactionParticipant>(db));

        await stores.Keys.AddAsync(ConformanceRecords.PrivateKey(), NoCancellation);
        Assert.NotNull(transaction.FindParticipant<PostgreSqlTransactionParticipant>(db));
        await using var lease = await db.OpenAsync(NoCancellation);
        Assert.True(lease.InStoreTransaction);
    }

    [Fact]
    public async Task Concurrent_operations_in_transactions_and_appenders_outside_keep_one_gap_free_chain()
    {
        var (stores, audit, _) = await CreateWithDatabaseAsync();

        // Each operation writes a key and two events; one in four rolls back. Appenders outside run at the same time.
        var operations = Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            await using var transaction = StoreTransaction.Begin();
            await stores.Keys.AddAsync(ConformanceRecords.PrivateKey(), NoCancellation);
            await audit.AppendAsync(last => ConformanceRecords.ChainedEvent(last, $"op-{i}-a", "postgresql-tests"), NoCancellation);
            await Task.Yield();
            await audit.AppendAsync(last => ConformanceRecords.ChainedEvent(last, $"op-{i}-b", "postgresql-tests"), NoCancellation);
            if (i % 4 != 3)
            {
                await transaction.CommitAsync(NoCancellation);
            }
        }));
        var outside = Enumerable.Range(0, 12).Select(i => Task.Run(() => audit.AppendAsync(last => ConformanceRecords.ChainedEvent(last, $"outside-{i}", "postgresql-tests"), NoCancellation).AsTask()));
        await Task.WhenAll(operations.Concat(outside));

        var events = await ReadAsync(audit.QueryAsync(new AuditQuery { Limit = 1000 }, NoCancellation));
        Assert.Equal(Enumerable.Range(1, 12 + 9 * 2).Select(i => (long)i), events.Select(e => e.Sequence));
        for (int i = 1; i < events.Count; i++)
        {
            Assert.Equal(events[i - 1].Hash, events[i].PreviousHash);
        }

        // The lock is held from an operation's first append to its commit: its two events are next to each other.
        var ids = events.Select(e => e.ObjectId!).ToList();
        foreach (int i in Enumerable.Range(0, 12))
        {
            Assert.Equal(i % 4 != 3, ids.Contains($"op-{i}-a"));
            Assert.Equal(ids.IndexOf($"op-{i}-a") + (i % 4 != 3 ? 1 : 0), ids.IndexOf($"op-{i}-b"));
        }
    }

    [Fact]
    public async Task An_append_outside_waits_for_a_transaction_that_appended_and_chains_on_its_event()
    {
        var (_, audit, _) = await CreateWithDatabaseAsync();
        Task<AuditEvent> outside;
        AuditEvent inside;
        await using (var transaction = StoreTransaction.Begin())
        {
            inside = await audit.AppendAsync(last => ConformanceRecords.ChainedEvent(last, "inside", "postgresql-tests"), NoCancellation);
            outside = Outside(() => audit.AppendAsync(last => ConformanceRecords.ChainedEvent(last, "outside", "postgresql-tests"), NoCancellation).AsTask());
            await Task.Delay(300);
            Assert.False(outside.IsCompleted);
            await transaction.CommitAsync(NoCancellation);
        }

        var after = await outside;
        Assert.Equal(2, after.Sequence);
        Assert.Equal(inside.Hash, after.PreviousHash);
    }

    [Fact]
    public async Task A_transaction_whose_connection_is_killed_before_the_commit_leaves_nothing_and_the_stores_go_on()
    {
        var (stores, audit, db) = await CreateWithDatabaseAsync();
        var key = ConformanceRecords.PrivateKey();
        var authority = ConformanceRecords.Authority() with { KeyId = key.Id };

        await using (var transaction = StoreTransaction.Begin())
        {
            await stores.Keys.AddAsync(key, NoCancellation);
            await stores.Authorities.AddAsync(authority, NoCancellation);
            await audit.AppendAsync(last => ConformanceRecords.ChainedEvent(last, authority.Id, "postgresql-tests"), NoCancellation);
            await TerminateBackendAsync(await TransactionBackendAsync(db));

            await Assert.ThrowsAnyAsync<NpgsqlException>(() => transaction.CommitAsync(NoCancellation).AsTask());
        }

        Assert.Null(await stores.Keys.GetAsync(key.Id, NoCancellation));
        Assert.Null(await stores.Authorities.GetAsync(authority.Id, NoCancellation));
        Assert.Null(await audit.GetLastAsync(NoCancellation));

        // The broken connection left the pool: the same writes commit now, in a transaction and outside one.
        await using (var transaction = StoreTransaction.Begin())
        {
            await stores.Keys.AddAsync(key, NoCancellation);
            await stores.Authorities.AddAsync(authority, NoCancellation);
            await transaction.CommitAsync(NoCancellation);
        }

        Assert.Equal(1, (await audit.AppendAsync(last => ConformanceRecords.ChainedEvent(last, authority.Id, "postgresql-tests"), NoCancellation)).Sequence);
        Assert.NotNull(await stores.Authorities.GetAsync(authority.Id, NoCancellation));
    }

    [Fact]
    public async Task A_transaction_a_cancelled_read_aborted_fails_to_commit_and_leaves_nothing()
    {
        var (stores, audit, db) = await CreateWithDatabaseAsync();
        var key = ConformanceRecords.PrivateKey();
        await using (var transaction = StoreTransaction.Begin())
        {
            await stores.Keys.AddAsync(key, NoCancellation);
            await audit.AppendAsync(last => ConformanceRecords.ChainedEvent(last, key.Id, "postgresql-tests"), NoCancellation);

            // A statement cancelled while it runs aborts the transaction: PostgreSQL would answer COMMIT with ROLLBACK.
            await using (var lease = await db.OpenAsync(NoCancellation))
            await using (var slow = new NpgsqlCommand("SELECT pg_sleep(30)", lease.Connection))
            {
                using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slow.ExecuteNonQueryAsync(cancellation.Token));
            }

            var failure = await Assert.ThrowsAsync<PostgresException>(() => transaction.CommitAsync(NoCancellation).AsTask());
            Assert.Equal(PostgresErrorCodes.InFailedSqlTransaction, failure.SqlState);
        }

        Assert.Null(await stores.Keys.GetAsync(key.Id, NoCancellation));
        Assert.Null(await audit.GetLastAsync(NoCancellation));
    }

    [Fact]
    public async Task A_write_cancelled_while_it_waits_for_a_lock_is_undone_alone_and_the_rest_commits()
    {
        var (stores, _, db) = await CreateWithDatabaseAsync();
        string authorityId = ConformanceRecords.NewId();
        Assert.Equal(1, await stores.Revocation.NextCrlNumberAsync(authorityId, NoCancellation));
        var key = ConformanceRecords.PrivateKey();

        await using (var transaction = StoreTransaction.Begin())
        {
            await stores.Keys.AddAsync(key, NoCancellation);
            await using (var holder = await fixture.DataSource.OpenConnectionAsync())
            {
                // Another host holds the CA's CRL-number row: the increment waits, and is cancelled while it waits.
                await using var hold = new NpgsqlCommand($"BEGIN; SELECT 1 FROM {db.Table("pki_crl_numbers")} WHERE authority_id = @id FOR UPDATE", holder);
                hold.Parameters.AddWithValue("id", authorityId);
                await hold.ExecuteNonQueryAsync();
                using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stores.Revocation.NextCrlNumberAsync(authorityId, cancellation.Token).AsTask());
                await using var release = new NpgsqlCommand("ROLLBACK", holder);
                await release.ExecuteNonQueryAsync();
            }

            Assert.Equal(2, await stores.Revocation.NextCrlNumberAsync(authorityId, NoCancellation));
            await transaction.CommitAsync(NoCancellation);
        }

        Assert.NotNull(await stores.Keys.GetAsync(key.Id, NoCancellation));
        Assert.Equal(3, await stores.Revocation.NextCrlNumberAsync(authorityId, NoCancellation));
    }

    [Fact]
    public async Task Concurrent_calls_of_one_operation_share_its_connection_and_may_write_between_the_rows_of_a_query()
    {
        var (stores, _, _) = await CreateWithDatabaseAsync();
        var authority = ConformanceRecords.NewAuthoritySummary();
        var certificates = Enumerable.Range(0, 12).Select(_ => ConformanceRecords.Certificate(authority) with { Status = CertificateStatus.Active }).ToList();
        await using (var transaction = StoreTransaction.Begin())
        {
            await Task.WhenAll(certificates.Select(c => stores.Certificates.AddAsync(c, NoCancellation).AsTask()));
            await foreach (var certificate in stores.Certificates.QueryAsync(new CertificateQuery { AuthorityId = authority.Id, Limit = 100 }, NoCancellation))
            {
                Assert.NotNull(await stores.Revocation.TryChangeStatusAsync(Revoke(certificate.Id), NoCancellation));
            }

            await transaction.CommitAsync(NoCancellation);
        }

        var stored = await ReadAsync(stores.Certificates.QueryAsync(new CertificateQuery { AuthorityId = authority.Id, Limit = 100 }, NoCancellation));
        Assert.Equal(certificates.Count, stored.Count);
        Assert.All(stored, c => Assert.Equal(CertificateStatus.Revoked, c.Status));
    }

    [Fact]
    public async Task Inside_a_transaction_the_pending_event_is_left_to_the_engine_and_a_used_token_is_refused_alone()
    {
        var (stores, audit, _) = await CreateWithDatabaseAsync();
        var authority = ConformanceRecords.NewAuthoritySummary();
        var token = ConformanceTokens.Token(authority);
        await stores.Tokens.AddAsync(token, NoCancellation);
        var issued = ConformanceRecords.Certificate(authority);
        var redeemed = ConformanceTokens.Certificate(authority);
        var again = ConformanceTokens.Certificate(authority);
        var redeemedAt = ConformanceRecords.BaseTime.AddDays(1);

        using (var pending = PendingAuditEvent.Begin(AuditObjectTypes.Certificate, (id, _) => last => ConformanceRecords.ChainedEvent(last, id, "postgresql-tests")))
        await using (var transaction = StoreTransaction.Begin())
        {
            await stores.Certificates.AddAsync(issued, NoCancellation);
            await stores.Tokens.RedeemAsync(token.Token.Id, redeemed, redeemedAt, NoCancellation);
            var refused = await Assert.ThrowsAsync<PkiException>(() => stores.Tokens.RedeemAsync(token.Token.Id, again, redeemedAt, NoCancellation).AsTask());
            Assert.Equal(PkiErrorCode.TokenAlreadyUsed, refused.Code);

            // Neither store took the event (it would be reported written before the transaction commits).
            Assert.Null(pending.WrittenEvent);
            Assert.Null(await audit.GetLastAsync(NoCancellation));
            Assert.NotNull(pending.TryTake(AuditObjectTypes.Certificate, issued.Id, authority.Id));
            await transaction.CommitAsync(NoCancellation);
        }

        Assert.NotNull(await stores.Certificates.GetAsync(issued.Id, NoCancellation));
        Assert.Equal(redeemed.Id, (await stores.Tokens.GetAsync(token.Token.Id, NoCancellation))?.CertificateId);
        Assert.Null(await stores.Certificates.GetAsync(again.Id, NoCancellation));
    }

    private async Task<(TidyStores Stores, IAuditStore Audit, PostgreSqlDatabase Db)> CreateWithDatabaseAsync()
    {
        var db = await fixture.NewSchemaAsync();
        var stores = PostgreSqlStoreSet.Over(db);
        return (stores, new PostgreSqlAuditStore(db), db);
    }

    /// <summary>The backend process of the current store transaction's connection.</summary>
    private static async Task<int> TransactionBackendAsync(PostgreSqlDatabase db)
    {
        await using var lease = await db.OpenAsync(NoCancellation);
        Assert.True(lease.InStoreTransaction);
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", lease.Connection);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Terminates backend <paramref name="pid"/> from another connection and waits until it is gone.</summary>
    private async Task TerminateBackendAsync(int pid)
    {
        await using (var terminate = fixture.DataSource.CreateCommand("SELECT pg_terminate_backend(@pid)"))
        {
            terminate.Parameters.AddWithValue("pid", pid);
            Assert.True((bool)(await terminate.ExecuteScalarAsync())!);
        }

        for (int attempt = 0; ; attempt++)
        {
            await using var alive = fixture.DataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = @pid)");
            alive.Parameters.AddWithValue("pid", pid);
            if (!(bool)(await alive.ExecuteScalarAsync())!)
            {
                return;
            }

            Assert.True(attempt < 100, $"Backend {pid} was still running 10 s after pg_terminate_backend.");
            await Task.Delay(100);
        }
    }
}
