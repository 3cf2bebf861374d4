using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Pki.Core;

namespace Pki.Storage.Sqlite;

/// <summary>
/// An <see cref="IAuditStore"/> on the <c>audit_events</c> table. An append reads the last event and inserts the next one
/// in one write transaction, which holds SQLite's write lock for every process, so no number is skipped or taken twice;
/// the sequence is also the primary key.
/// </summary>
internal sealed class SqliteAuditStore(SqliteDatabase database) : IAuditStore
{
    private const string Columns =
        "sequence, timestamp, actor, actor_organization, action, object_type, object_id, authority_id, outcome, error_code, correlation_id, previous_hash, hash";

    private static readonly string Insert = "INSERT INTO audit_events (" + Columns + ") VALUES (" + PreparedStatement.Placeholders(13) + ");";

    private const string SelectLast = "SELECT " + Columns + " FROM audit_events ORDER BY sequence DESC LIMIT 1;";

    public async ValueTask<AuditEvent?> GetLastAsync(CancellationToken cancellationToken)
    {
        using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = Sql.Command(connection, null, SelectLast);
        return await Sql.ReadSingleAsync(command, Read, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="work"/> (which inserts object <paramref name="objectId"/> of type <paramref name="objectType"/>,
    /// of CA <paramref name="authorityId"/>) as one write and, when the audited operation in progress offers its event for
    /// that object (<see cref="PendingAuditEvent"/>), appends that event in the same transaction: the object and its audit
    /// record commit together, with one commit.
    /// </summary>
    public static async ValueTask WriteAuditedAsync(
        SqliteDatabase database,
        string objectType,
        string objectId,
        string? authorityId,
        Func<SqliteConnection, SqliteTransaction, CancellationToken, ValueTask> work,
        CancellationToken cancellationToken)
    {
        var pending = PendingAuditEvent.Current;
        var next = pending?.TryTake(objectType, objectId, authorityId);
        if (pending is null || next is null)
        {
            await database.WriteAsync(work, cancellationToken).ConfigureAwait(false);
            return;
        }

        AuditEvent written;
        try
        {
            written = await database.WriteAsync(
                async (connection, transaction, token) =>
                {
                    await work(connection, transaction, token).ConfigureAwait(false);
                    return await AppendAsync(connection, transaction, next, token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            pending.Release();
            throw;
        }

        pending.Written(written);
    }

    public ValueTask<AuditEvent> AppendAsync(Func<AuditEvent?, AuditEvent> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        return database.WriteAsync((connection, transaction, token) => AppendAsync(connection, transaction, next, token), cancellationToken);
    }

    /// <summary>
    /// Appends the event <paramref name="next"/> builds from the last one, inside <paramref name="transaction"/> (a write
    /// transaction, which holds the database's write lock for every process to its commit: the last event read here is
    /// still the last when the new one is inserted). Other stores call it to write an operation's event together with
    /// its change (<see cref="PendingAuditEvent"/>).
    /// </summary>
    internal static async ValueTask<AuditEvent> AppendAsync(
        SqliteConnection connection, SqliteTransaction transaction, Func<AuditEvent?, AuditEvent> next, CancellationToken cancellationToken)
    {
        // The writer's connection remembers what it appended in this transaction (see StatementCachingConnection), and
        // nobody else can append while the transaction holds the write lock.
        var caching = connection as StatementCachingConnection;
        var last = caching?.LastAppendedAuditEvent;
        if (last is null)
        {
            using var select = Sql.Command(connection, transaction, SelectLast);
            last = await Sql.ReadSingleAsync(select, Read, cancellationToken).ConfigureAwait(false);
        }

        var auditEvent = AuditChain.Next(last, next);
        Sql.Execute(connection, Insert,
        [
            SqlValue.Integer(auditEvent.Sequence),
            SqlValue.Integer(Sql.Ticks(auditEvent.Timestamp)),
            SqlValue.Text(auditEvent.Actor),
            SqlValue.Text(auditEvent.ActorOrganization),
            SqlValue.Text(auditEvent.Action),
            SqlValue.Text(auditEvent.ObjectType),
            SqlValue.Text(auditEvent.ObjectId),
            SqlValue.Text(auditEvent.AuthorityId),
            SqlValue.Integer((int)auditEvent.Outcome),
            SqlValue.Integer((int?)auditEvent.ErrorCode),
            SqlValue.Text(auditEvent.CorrelationId),
            SqlValue.Text(auditEvent.PreviousHash),
            SqlValue.Text(auditEvent.Hash),
        ]);
        if (caching is not null)
        {
            caching.LastAppendedAuditEvent = auditEvent;
        }

        return auditEvent;
    }

    public async IAsyncEnumerable<AuditEvent> QueryAsync(AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        if (!StoreInputRules.CanMatch(query))
        {
            yield break;
        }
        List<AuditEvent> page;
        using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            // Only constant fragments are appended; every value is a parameter.
            var sql = new StringBuilder("SELECT ").Append(Columns).Append(" FROM audit_events WHERE sequence > @after");
            using var command = Sql.Command(connection, null, string.Empty).With("@after", query.AfterSequence);
            if (query.From is { } from)
            {
                sql.Append(" AND timestamp >= @from");
                command.With("@from", Sql.Ticks(from));
            }

            if (query.To is { } to)
            {
                sql.Append(" AND timestamp < @to");
                command.With("@to", Sql.Ticks(to));
            }

            command.AndIfSet(sql, "actor = @actor", "@actor", query.Actor);
            command.AndIfSet(sql, "object_id = @object_id", "@object_id", query.ObjectId);
            command.AndIfSet(sql, "action = @action", "@action", query.Action);

            sql.Append(" ORDER BY sequence LIMIT @limit;");
            command.With("@limit", Math.Max(0, query.Limit));
            command.SetText(sql.ToString());
            page = await Sql.ReadListAsync(command, Read, cancellationToken).ConfigureAwait(false);
        }

        foreach (var auditEvent in page)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return auditEvent;
        }
    }

    private static AuditEvent Read(SqliteDataReader row) => new()
    {
        Sequence = row.GetInt64(0),
        Timestamp = row.Instant(1),
        Actor = row.GetString(2),
        ActorOrganization = row.NullableString(3),
        Action = row.GetString(4),
        ObjectType = row.GetString(5),
        ObjectId = row.NullableString(6),
        AuthorityId = row.NullableString(7),
        Outcome = (AuditOutcome)row.GetInt32(8),
        ErrorCode = row.IsDBNull(9) ? null : (PkiErrorCode)row.GetInt32(9),
        CorrelationId = row.NullableString(10),
        PreviousHash = row.GetString(11),
        Hash = row.GetString(12),
    };
}
