using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Pki.Core;

namespace Pki.Storage.Sqlite;

/// <summary>
/// One SQLite database file shared by every store: lends a reader connection per read, runs the migrations once before
/// the first operation, and runs writes through one writer that commits them in batches (group commit).
/// </summary>
/// <remarks>
/// SQLite allows one writer at a time per file. Writers of this process queue for the group-commit writer (no thread
/// blocks while it waits); writers of other processes queue on SQLite's write lock, taken by <c>BEGIN IMMEDIATE</c> before the first
/// read of the transaction, so a transaction never has to upgrade a read lock (the case the busy timeout cannot wait
/// out). Readers never wait for writers (WAL).
/// </remarks>
internal sealed class SqliteDatabase : IDisposable
{
    private readonly SqliteDatabaseSettings _settings;
    private readonly SqliteGroupCommit _writer;
    private readonly SemaphoreSlim _migrationGate = new(1, 1);

    // Idle reader connections, still open and with their prepared statements (see StatementCachingConnection): a read
    // borrows one and disposing it gives it back. LIFO, so that the warmest connection serves next.
    private readonly ConcurrentStack<StatementCachingConnection> _idleReaders = new();
    private int _idleReaderCount;
    private volatile bool _migrated;
    private volatile bool _disposed;

    public SqliteDatabase(SqliteDatabaseSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _writer = new SqliteGroupCommit(token => OpenConnectionAsync(writing: true, token));
    }

    /// <summary>Validates and normalizes a connection string and options.</summary>
    /// <exception cref="ArgumentException">The connection string is malformed or names an in-memory database.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The busy timeout is negative or too large.</exception>
    public static SqliteDatabaseSettings Settings(string connectionString, SqliteStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        ArgumentNullException.ThrowIfNull(options);
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            // Neither the parser's message nor the exception itself: they quote keywords and values, and a password
            // with an unquoted ';' or in the wrong keyword would be quoted with them.
            throw new ArgumentException(
                "The SQLite connection string is malformed: an unknown keyword, a value of the wrong type, or a ';' or '=' that needs quoting (its values are not repeated here as they may hold a password).",
                nameof(connectionString));
        }

        var uri = UriFilename.Parse(builder.DataSource);
        if (string.IsNullOrWhiteSpace(builder.DataSource)
            || builder.DataSource.Equals(":memory:", StringComparison.OrdinalIgnoreCase)
            || builder.Mode == SqliteOpenMode.Memory
            || uri?.Private == true)
        {
            throw new ArgumentException(
                $"The SQLite stores need a database file ('Data Source=pki.db'), not '{builder.DataSource}': every connection to an in-memory database sees its own empty database. Use AddPki's in-memory stores instead.",
                nameof(connectionString));
        }

        if (!string.IsNullOrEmpty(builder.Vfs) || uri?.Vfs is not null)
        {
            throw new ArgumentException(
                "The SQLite stores need SQLite's default VFS: another one may keep the database in memory (memdb) or give up the file locks other processes rely on (unix-none); remove 'Vfs' (and a URI filename's vfs=).",
                nameof(connectionString));
        }

        if (builder.Mode == SqliteOpenMode.ReadOnly || uri?.ReadOnly == true)
        {
            throw new ArgumentException(
                "The SQLite stores write to the database and share it with other connections; 'Mode=ReadOnly' (or a URI filename's mode=ro or immutable=1) is not supported.",
                nameof(connectionString));
        }

        double milliseconds = options.BusyTimeout.TotalMilliseconds;
        ArgumentOutOfRangeException.ThrowIfNegative(milliseconds, "options.BusyTimeout");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(milliseconds, int.MaxValue, "options.BusyTimeout");

        if (!Enum.IsDefined(options.Durability))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Durability, "Unknown SqliteDurability value.");
        }

        builder.ForeignKeys = true;

        // Microsoft.Data.Sqlite retries a statement that gets SQLITE_BUSY for its command timeout (30 s by default) on
        // top of SQLite's own busy handler; tie it to the busy timeout so that the option means what it says.
        builder.DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds));
        return new SqliteDatabaseSettings(builder.ToString(), (int)milliseconds, options.Durability);
    }

    /// <summary>The most idle reader connections kept open (more concurrent reads open more, closed on return).</summary>
    internal const int MaxIdleReaders = 16;

    /// <summary>
    /// Lends a connection for reading (migrating the database first if this is the first operation); disposing it gives
    /// it back. It must not be used to write: writes go through <see cref="WriteAsync{T}"/>.
    /// </summary>
    /// <remarks>Inside a <see cref="StoreTransaction"/> this database has enlisted in, it is that transaction's connection,
    /// so that the operation reads its own writes.</remarks>
    public async ValueTask<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        if (StoreTransaction.Current?.FindParticipant<SqliteHeldTransaction>(this) is { } held)
        {
            return held.Connection;
        }

        if (_idleReaders.TryPop(out var idle))
        {
            Interlocked.Decrement(ref _idleReaderCount);
            return idle;
        }

        return await OpenConnectionAsync(writing: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a <c>BEGIN IMMEDIATE</c> transaction and returns once that transaction has been
    /// committed. Writes that queue up while another batch commits share the next transaction
    /// (group commit; see <see cref="SqliteGroupCommit"/>). An exception (or a cancellation before the work completes)
    /// rolls this write back and leaves the others of its batch alone; a failed commit fails every write of the batch.
    /// </summary>
    /// <remarks>Inside a <see cref="StoreTransaction"/>, the work runs in the operation's held transaction instead (the
    /// first such write begins it: see <see cref="SqliteHeldTransaction"/>) and is committed with the operation.
    /// <paramref name="work"/> must not call <see cref="WriteAsync{T}"/> itself, must leave the database
    /// consistent on its own (deferred foreign keys are checked at the shared commit), and may run more than once (when
    /// another write of its batch fails, the batch runs again): it must have no effect outside the transaction.</remarks>
    public async ValueTask<T> WriteAsync<T>(
        Func<SqliteConnection, SqliteTransaction, CancellationToken, ValueTask<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        if (StoreTransaction.Current is { } operation)
        {
            var held = await operation.EnlistAsync(this, () => new ValueTask<SqliteHeldTransaction>(_writer.HoldAsync())).ConfigureAwait(false);
            return await held.RunAsync(work, cancellationToken).ConfigureAwait(false);
        }

        return await _writer.WriteAsync(work, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="work"/> in one write transaction (see <see cref="WriteAsync{T}"/>).</summary>
    public async ValueTask WriteAsync(Func<SqliteConnection, SqliteTransaction, CancellationToken, ValueTask> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await WriteAsync<bool>(
            async (connection, transaction, token) =>
            {
                await work(connection, transaction, token).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many write transactions this database object has committed.</summary>
    public long Commits => _writer.Commits;

    /// <summary>Applies pending migrations now instead of before the first operation.</summary>
    public async ValueTask EnsureMigratedAsync(CancellationToken cancellationToken)
    {
        if (_migrated)
        {
            return;
        }

        await _migrationGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_migrated)
            {
                using var connection = await OpenConnectionAsync(writing: true, cancellationToken).ConfigureAwait(false);
                await SqliteMigrator.MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
                _migrated = true;
            }
        }
        finally
        {
            _migrationGate.Release();
        }
    }

    /// <summary>Releases the pooled connections to the file.</summary>
    public void Dispose()
    {
        _disposed = true;
        CloseIdleReaders();

        // The writer's connection first: disposing it hands it back to the pool, which the clear then empties.
        _writer.Dispose();
        using (var connection = new SqliteConnection(_settings.ConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        _migrationGate.Dispose();
    }

    /// <summary>Takes back a reader connection being disposed, unless the pool is full, the database is being disposed
    /// or the connection is not idle (closed, or a command of it still in use).</summary>
    private bool ReturnReader(StatementCachingConnection connection)
    {
        if (_disposed || !connection.Quiet)
        {
            return false;
        }

        if (Interlocked.Increment(ref _idleReaderCount) > MaxIdleReaders)
        {
            Interlocked.Decrement(ref _idleReaderCount);
            return false;
        }

        _idleReaders.Push(connection);
        if (_disposed)
        {
            CloseIdleReaders(); // lost the race with Dispose: do not leave the connection open
        }

        return true;
    }

    private void CloseIdleReaders()
    {
        while (_idleReaders.TryPop(out var connection))
        {
            Interlocked.Decrement(ref _idleReaderCount);
            connection.Dispose(); // _disposed is set, so this closes it
        }
    }

    // A writing connection's settings: the durability, and statement journals in memory. Each write of a batch runs in a
    // savepoint, whose journal (the pages it changed, for ROLLBACK TO) otherwise spills to a temporary file once it passes
    // 64 KiB: one file created, written and deleted per batch.
    private const string WriterFull = "PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY;";
    private const string WriterNormal = "PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY;";

    /// <summary>Opens a statement-caching connection with the busy timeout: a reader one goes back to the idle readers
    /// when disposed; one for <paramref name="writing"/> also gets the <c>synchronous</c> and <c>temp_store</c> settings
    /// (they only matter to writes, so readers skip the statement).</summary>
    private async ValueTask<SqliteConnection> OpenConnectionAsync(bool writing, CancellationToken cancellationToken)
    {
        var connection = new StatementCachingConnection(_settings.ConnectionString, writing ? null : ReturnReader);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            SQLitePCL.raw.sqlite3_busy_timeout(connection.Handle, _settings.BusyTimeoutMilliseconds);
            if (!writing)
            {
                return connection;
            }

            using (var settings = connection.CreateCommand())
            {
                settings.CommandText = _settings.Durability == SqliteDurability.Full ? WriterFull : WriterNormal;
                await settings.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
