using System.Runtime.CompilerServices;
using System.Text;
using Npgsql;

namespace Pki.Storage.PostgreSql;

/// <summary>What every store's queries share: keyset paging by id and reading rows into records.</summary>
internal static class PostgreSqlQueries
{
    /// <summary>
    /// Ends a transaction begun with a plain <c>BEGIN</c> after a failure: sends <c>ROLLBACK</c> when the connection is
    /// still usable (a warning, not an error, if the failure already ended the transaction). A broken connection needs
    /// nothing: the server rolls back what it was doing. With <paramref name="savepoint"/>, rolls back to that savepoint
    /// (and releases it) instead: the transaction goes on.
    /// </summary>
    public static async ValueTask RollbackQuietlyAsync(NpgsqlConnection connection, string? savepoint = null)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await using var rollback = new NpgsqlCommand(
                savepoint is null ? "ROLLBACK" : $"ROLLBACK TO SAVEPOINT {savepoint}; RELEASE SAVEPOINT {savepoint}", connection);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The connection broke meanwhile; disposing it discards it and the server has rolled back.
        }
    }

    /// <summary>
    /// Runs <paramref name="commit"/>, a command whose text ends in <c>COMMIT</c>: a cancellation requested before it is
    /// sent still rolls the transaction back, but once sent it is not cancelled — a cancel racing the commit could report
    /// a failure for a transaction that did commit (with its audit event), which the caller would then retry.
    /// </summary>
    public static async ValueTask CommitAsync(NpgsqlCommand commit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await commit.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Commits <paramref name="transaction"/> as <see cref="CommitAsync(NpgsqlCommand, CancellationToken)"/> does: a
    /// cancellation counts only until the commit is sent.</summary>
    public static async ValueTask CommitAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Appends <c>AND id &gt; @after ORDER BY id LIMIT @limit</c> (ids compare with <c>COLLATE "C"</c>: code-point order, <see cref="Pki.Core.StoreIdOrder"/>) and sets the text.</summary>
    public static void FinishKeysetPage(StringBuilder sql, NpgsqlCommand command, string? after, int limit, bool sortAfterFilter = false)
    {
        if (after is not null)
        {
            sql.Append(" AND id > @after");
            command.AddText("after", after);
        }

        // Ids are time-ordered, and so are other columns (expiry): the planner, assuming matches spread evenly along the
        // id order, would walk the primary key and discard most rows before the first match (measured on 1M rows: half a
        // million rows read for a 30-day expiry window). Ordering by an expression over id (same collation, same order)
        // takes that plan away: it reads the filter's index and sorts the page instead.
        sql.Append(sortAfterFilter ? " ORDER BY (id || '') LIMIT @limit" : " ORDER BY id LIMIT @limit");
        command.AddInteger("limit", Math.Max(0, limit));
        command.CommandText = sql.ToString();
    }

    /// <summary>
    /// Runs one purge statement (a <c>DELETE</c> taking <c>@before</c> and <c>@limit</c>; one statement, so one transaction)
    /// and returns the number of rows it removed.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Callers pass SQL built from constant fragments and table names; values are parameters.")]
    public static async ValueTask<int> PurgeAsync(PostgreSqlDatabase db, string sql, DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var lease = await db.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, lease.Connection);
        command.AddBigint("before", PostgreSqlTime.ToTicks(before));
        command.AddInteger("limit", limit);
        int removed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await lease.CompleteAsync().ConfigureAwait(false);
        return removed;
    }

    /// <summary>
    /// The rows of <paramref name="command"/>, a query on <paramref name="lease"/>'s connection. On a pooled connection
    /// they stream as read. On a store transaction's, which runs one command at a time for every call of the operation,
    /// they are read first and the lease is disposed before the first one is returned, so that the caller may use the
    /// stores between rows.
    /// </summary>
    public static async IAsyncEnumerable<T> ReadAllAsync<T>(
        PostgreSqlConnectionLease lease, NpgsqlCommand command, Func<NpgsqlDataReader, T> read, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!lease.InStoreTransaction)
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return read(reader);
            }

            yield break;
        }

        var rows = new List<T>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(read(reader));
            }
        }

        await lease.DisposeAsync().ConfigureAwait(false);
        foreach (var row in rows)
        {
            yield return row;
        }
    }

    public static async Task<T?> ReadSingleAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
        where T : class
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? read(reader) : null;
    }
}
