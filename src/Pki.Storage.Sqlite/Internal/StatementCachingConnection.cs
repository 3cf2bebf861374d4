using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace Pki.Storage.Sqlite;

/// <summary>
/// A connection that keeps its prepared statements: <see cref="Sql.Command"/> on it hands out one cached command per SQL
/// text, so a statement is compiled once per connection instead of once per use. Compiling the 28-column certificate
/// insert costs about as much as running it; the stores run the same dozen statements over and over.
/// </summary>
/// <remarks>
/// <para>A connection serves one operation at a time (the group-commit writer, or one reader lease), so the cache needs no
/// lock. Two commands with the same text in use at once on one connection (a query inside a query) simply get two
/// commands; the second is disposed for real when it comes back.</para>
/// <para>Disposing the connection hands it to <c>returnToPool</c> when one was given and it accepts (a reader connection
/// going back to <see cref="SqliteDatabase"/>'s pool, prepared statements and all); otherwise the cached commands and the
/// connection are closed.</para>
/// </remarks>
internal sealed class StatementCachingConnection(string connectionString, Func<StatementCachingConnection, bool>? returnToPool = null)
    : SqliteConnection(connectionString)
{
    private readonly Dictionary<string, CachedCommand> _idle = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PreparedStatement> _prepared = new(StringComparer.Ordinal);
    private int _rented;
    private bool _closing;

    /// <summary>True while no command handed out by <see cref="Rent"/> is still in use (the connection can be pooled).</summary>
    public bool Quiet => _rented == 0 && State == System.Data.ConnectionState.Open;

    /// <summary>The cached command for <paramref name="sql"/> (parameters cleared), enlisted in <paramref name="transaction"/>.</summary>
    [SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Callers pass SQL built from constant fragments; values are parameters.")]
    public SqliteCommand Rent(string sql, SqliteTransaction? transaction)
    {
        if (!_idle.Remove(sql, out var command))
        {
            command = new CachedCommand(this) { Connection = this, CommandText = sql };
        }

        _rented++;
        command.InUse = true;
        command.Transaction = transaction ?? LentTransaction;
        return command;
    }

    /// <summary>
    /// The open transaction of a <see cref="SqliteHeldTransaction"/> while this (the writer's) connection is lent to an
    /// operation: its commands join it, and disposing the connection (a read's lease) does not close it. Null otherwise.
    /// </summary>
    public SqliteTransaction? LentTransaction { get; set; }

    /// <summary>
    /// The audit event this connection appended last in its open write transaction, so that the next append of the same
    /// transaction need not read it back; null when not known. The group-commit writer forgets it whenever a transaction
    /// begins and whenever a write is rolled back (what was appended may be gone).
    /// </summary>
    public Pki.Core.AuditEvent? LastAppendedAuditEvent { get; set; }

    /// <summary>The positional statement for <paramref name="sql"/>, compiled on first use and kept until the connection closes.</summary>
    public PreparedStatement Prepare(string sql)
    {
        if (!_prepared.TryGetValue(sql, out var statement))
        {
            statement = PreparedStatement.Compile(this, sql);
            _prepared.Add(sql, statement);
        }

        return statement;
    }

    /// <summary>Real disposal: the cached statements are finalized before the connection closes.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_closing && (LentTransaction is not null || (returnToPool is not null && returnToPool(this))))
        {
            return; // lent to an operation's reads, or back in the pool
        }

        if (disposing)
        {
            _closing = true;
            foreach (var command in _idle.Values)
            {
                command.Discard();
            }

            _idle.Clear();
            foreach (var statement in _prepared.Values)
            {
                statement.Dispose();
            }

            _prepared.Clear();
            LastAppendedAuditEvent = null;
        }

        base.Dispose(disposing);
    }

    private void Return(CachedCommand command)
    {
        if (!command.InUse)
        {
            return; // disposed twice by its user
        }

        command.InUse = false;
        _rented--;
        command.Transaction = null;
        command.Parameters.Clear();
        if (_closing || !_idle.TryAdd(command.CommandText, command))
        {
            command.Discard();
        }
    }

    /// <summary>A command whose <see cref="IDisposable.Dispose"/> gives it back to its connection's cache.</summary>
    private sealed class CachedCommand(StatementCachingConnection owner) : SqliteCommand
    {
        private bool _discarding;

        public bool InUse { get; set; }

        public void Discard()
        {
            _discarding = true;
            Dispose();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_discarding)
            {
                owner.Return(this);
                return;
            }

            base.Dispose(disposing);
        }
    }
}
