using Microsoft.Data.Sqlite;
using Pki.Storage.Sqlite.Tests.TestSupport;

namespace Pki.Storage.Sqlite.Tests;

/// <summary>
/// Group commit: writes queued while the writer is busy share one transaction; a failing write is undone alone (the batch
/// runs again, each write in its own savepoint). The tests hold the writer with a first write that waits on a gate,
/// queue the writes under test behind it, then open the gate: the writes that queued while the first one ran join its
/// transaction, so they deterministically form one batch.
/// </summary>
public sealed class GroupCommitTests : IDisposable
{
    private readonly TempDatabase _file = new();
    private readonly SqliteDatabase _database;

    public GroupCommitTests()
    {
        _database = _file.Open();
    }

    [Fact]
    public async Task Queued_writes_share_one_transaction_and_all_commit()
    {
        await CreateScratchTableAsync();
        long commitsBefore = _database.Commits;
        var (release, blocker) = HoldWriter();
        var writes = Enumerable.Range(1, 50).Select(i => InsertAsync(i, CancellationToken.None)).ToList();
        release();
        await blocker;

        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), await Task.WhenAll(writes));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), Rows());
        Assert.Equal(commitsBefore + 1, _database.Commits); // the blocker and the 50 that queued behind it: one commit
    }

    [Fact]
    public async Task A_failing_write_is_rolled_back_alone_and_the_rest_of_its_batch_commits()
    {
        await CreateScratchTableAsync();
        var (release, blocker) = HoldWriter();
        var first = InsertAsync(1, CancellationToken.None);
        var duplicate = InsertAsync(1, CancellationToken.None);
        var failing = _database.WriteAsync<long>(
            async (connection, transaction, token) =>
            {
                await InsertRowAsync(connection, transaction, 2, token);
                throw new InvalidOperationException("fails after writing");
            },
            CancellationToken.None).AsTask();
        var third = InsertAsync(3, CancellationToken.None);
        release();
        await blocker;

        Assert.Equal(1, await first);
        Assert.Equal(3, await third);
        var unique = await Assert.ThrowsAsync<SqliteException>(() => duplicate);
        Assert.Equal(19, unique.SqliteErrorCode); // SQLITE_CONSTRAINT
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal([1L, 3], Rows());
    }

    [Fact]
    public async Task A_batch_without_failures_runs_each_write_once_and_a_failure_runs_the_batch_again_once()
    {
        await CreateScratchTableAsync();
        int runs = 0;
        Task<long> Counted(long id) => _database.WriteAsync<long>(
            async (connection, transaction, token) =>
            {
                Interlocked.Increment(ref runs);
                await InsertRowAsync(connection, transaction, id, token);
                return id;
            },
            CancellationToken.None).AsTask();

        var (release, blocker) = HoldWriter();
        var clean = new[] { Counted(1), Counted(2), Counted(3) };
        release();
        await blocker;
        await Task.WhenAll(clean);
        Assert.Equal(3, runs);

        runs = 0;
        (release, blocker) = HoldWriter();
        var before = Counted(4);
        var failing = Counted(4); // the primary key refuses it
        var after = Counted(5);
        release();
        await blocker;

        Assert.Equal(4, await before);
        Assert.Equal(5, await after);
        await Assert.ThrowsAsync<SqliteException>(() => failing);
        Assert.Equal(2 + 3, runs); // the first pass stopped at the failure; the second ran all three
        Assert.Equal([1L, 2, 3, 4, 5], Rows());
    }

    [Fact]
    public async Task A_write_cancelled_while_queued_or_while_running_leaves_nothing_and_the_others_commit()
    {
        await CreateScratchTableAsync();
        using var queuedCancel = new CancellationTokenSource();
        using var runningCancel = new CancellationTokenSource();
        var (release, blocker) = HoldWriter();
        var queued = InsertAsync(1, queuedCancel.Token);
        var running = _database.WriteAsync<long>(
            async (connection, transaction, token) =>
            {
                await InsertRowAsync(connection, transaction, 2, token);
                await runningCancel.CancelAsync();
                return 2;
            },
            runningCancel.Token).AsTask();
        var kept = InsertAsync(3, CancellationToken.None);
        await queuedCancel.CancelAsync();
        release();
        await blocker;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Equal(3, await kept);
        Assert.Equal([3L], Rows());
    }

    [Fact]
    public async Task A_failed_commit_fails_every_write_of_the_batch_and_stores_none_of_it()
    {
        await CreateScratchTableAsync();
        await _database.WriteAsync(
            async (connection, transaction, token) =>
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "CREATE TABLE scratch_child (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES scratch (id) DEFERRABLE INITIALLY DEFERRED);";
                await command.ExecuteNonQueryAsync(token);
            },
            CancellationToken.None);

        var (release, blocker) = HoldWriter();
        var good = InsertAsync(1, CancellationToken.None);
        // Leaves a dangling deferred foreign key: only the commit notices, and then the whole transaction is refused.
        var dangling = _database.WriteAsync(
            async (connection, transaction, token) =>
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "INSERT INTO scratch_child (id, parent) VALUES (1, 999);";
                await command.ExecuteNonQueryAsync(token);
            },
            CancellationToken.None).AsTask();
        release();

        await Assert.ThrowsAsync<SqliteException>(() => blocker);
        await Assert.ThrowsAsync<SqliteException>(() => good);
        await Assert.ThrowsAsync<SqliteException>(() => dangling);
        Assert.Empty(Rows());

        // The writer goes on: the next write commits.
        Assert.Equal(5, await InsertAsync(5, CancellationToken.None));
        Assert.Equal([5L], Rows());
    }

    [Fact]
    public async Task Many_concurrent_writers_all_commit_exactly_once()
    {
        await CreateScratchTableAsync();
        var writes = Enumerable.Range(1, 1000).Select(i => Task.Run(() => InsertAsync(i, CancellationToken.None))).ToList();

        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), (await Task.WhenAll(writes)).Order());
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), Rows());
    }

    [Fact]
    public async Task Disposing_the_database_closes_the_writer_connection_and_every_pooled_one()
    {
        await CreateScratchTableAsync();
        await InsertAsync(1, CancellationToken.None);
        Assert.NotEmpty(OpenHandlesTo(_file.FilePath));

        _database.Dispose();

        Assert.Empty(OpenHandlesTo(_file.FilePath));
    }

    public void Dispose()
    {
        _database.Dispose();
        _file.Dispose();
    }

    /// <summary>Queues a write that holds the writer until the returned action is called.</summary>
    private (Action Release, Task Blocker) HoldWriter()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = _database.WriteAsync(
            async (_, _, _) =>
            {
                started.TrySetResult(); // runs again when its batch is run again
                await gate.Task;
            },
            CancellationToken.None).AsTask();
        started.Task.Wait(TimeSpan.FromSeconds(30));
        return (() => gate.SetResult(), blocker);
    }

    private Task CreateScratchTableAsync() => _database.WriteAsync(
        async (connection, transaction, token) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "CREATE TABLE scratch (id INTEGER PRIMARY KEY);";
            await command.ExecuteNonQueryAsync(token);
        },
        CancellationToken.None).AsTask();

    private Task<long> InsertAsync(long id, CancellationToken cancellationToken) => _database.WriteAsync(
        async (connection, transaction, token) =>
        {
            await InsertRowAsync(connection, transaction, id, token);
            return id;
        },
        cancellationToken).AsTask();

    private static async Task InsertRowAsync(SqliteConnection connection, SqliteTransaction transaction, long id, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO scratch (id) VALUES (@id);";
        command.Parameters.AddWithValue("@id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>This process's open file descriptors on <paramref name="path"/> (Linux: /proc/self/fd).</summary>
    private static List<string> OpenHandlesTo(string path) =>
        new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos()
            .Select(fd => fd.LinkTarget)
            .Where(target => target is not null && target.StartsWith(path, StringComparison.Ordinal))
            .Select(target => target!)
            .ToList();

    private List<long> Rows()
    {
        using var connection = _file.OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM scratch ORDER BY id;";
        using var reader = command.ExecuteReader();
        var rows = new List<long>();
        while (reader.Read())
        {
            rows.Add(reader.GetInt64(0));
        }

        return rows;
    }
}
