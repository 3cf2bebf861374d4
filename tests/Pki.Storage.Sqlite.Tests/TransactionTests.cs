using Pki.Core;
using Pki.Storage.Conformance;
using Pki.Storage.Sqlite.Tests.TestSupport;

namespace Pki.Storage.Sqlite.Tests;

/// <summary>No half-written state: a write that fails or is cancelled part-way leaves the database as before.</summary>
public sealed class TransactionTests : IDisposable
{
    private readonly TempDatabase _file = new();

    [Fact]
    public async Task Cancellation_after_a_statement_ran_rolls_the_transaction_back()
    {
        using var database = _file.Open();
        var keys = new SqlitePrivateKeyStore(database);
        var key = ConformanceRecords.PrivateKey();
        using var cancellation = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await database.WriteAsync(
            async (connection, transaction, cancellationToken) =>
            {
                using var insert = Sql.Command(connection, transaction, "INSERT INTO private_keys (id, algorithm, protected_pkcs8, created_at) VALUES (@id, 1, x'01', 0);")
                    .With("@id", key.Id);
                await insert.ExecuteNonQueryAsync(cancellationToken);
                await cancellation.CancelAsync(); // cancelled after the insert ran, before the commit
            },
            cancellation.Token));

        Assert.Null(await keys.GetAsync(key.Id, CancellationToken.None));
        await keys.AddAsync(key, CancellationToken.None); // the database is usable and the id free
    }

    [Fact]
    public async Task A_failure_after_the_token_was_consumed_leaves_it_unused()
    {
        using var database = _file.Open();
        var tokens = new SqliteRequestTokenStore(database);
        var certificates = new SqliteCertificateStore(database);
        var token = ConformanceTokens.Token(ConformanceRecords.NewAuthoritySummary());
        await tokens.AddAsync(token, CancellationToken.None);
        var existing = ConformanceTokens.Certificate(token.Token.Authority);
        await certificates.AddAsync(existing, CancellationToken.None);
        var sameId = ConformanceTokens.Certificate(token.Token.Authority) with { Id = existing.Id };

        var error = await Assert.ThrowsAsync<PkiException>(async () =>
            await tokens.RedeemAsync(token.Token.Id, sameId, ConformanceRecords.BaseTime.AddDays(1), CancellationToken.None));

        Assert.Equal(PkiErrorCode.Conflict, error.Code);
        Assert.Equal(token.Token, await tokens.GetAsync(token.Token.Id, CancellationToken.None));
    }

    [Fact]
    public async Task A_redemption_cancelled_before_it_starts_changes_nothing()
    {
        using var database = _file.Open();
        var tokens = new SqliteRequestTokenStore(database);
        var token = ConformanceTokens.Token(ConformanceRecords.NewAuthoritySummary());
        await tokens.AddAsync(token, CancellationToken.None);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await tokens.RedeemAsync(token.Token.Id, ConformanceTokens.Certificate(token.Token.Authority), ConformanceRecords.BaseTime, cancellation.Token));

        Assert.Equal(RequestTokenState.Unused, (await tokens.GetAsync(token.Token.Id, CancellationToken.None))?.State);
    }

    [Fact]
    public async Task A_write_transaction_holds_the_write_lock_from_its_start_BEGIN_IMMEDIATE()
    {
        using var database = _file.Open();
        await database.EnsureMigratedAsync(CancellationToken.None);
        var inside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var write = database.WriteAsync(
            async (_, _, _) =>
            {
                inside.SetResult(); // no statement has run yet
                await release.Task;
            },
            CancellationToken.None).AsTask();
        await inside.Task;

        using (var other = new Microsoft.Data.Sqlite.SqliteConnection(_file.ConnectionString + ";Default Timeout=1"))
        {
            other.Open();
            using var pragma = other.CreateCommand();
            pragma.CommandText = "PRAGMA busy_timeout = 0;";
            pragma.ExecuteNonQuery();
            var error = Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() =>
            {
                using var transaction = other.BeginTransaction(deferred: false);
            });
            Assert.Equal(5, error.SqliteErrorCode); // SQLITE_BUSY: another writer holds the lock
        }

        release.SetResult();
        await write;
    }

    public void Dispose() => _file.Dispose();
}
