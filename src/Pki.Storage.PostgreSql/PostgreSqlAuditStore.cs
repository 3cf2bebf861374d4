using System.Runtime.CompilerServices;
using System.Text;
using Npgsql;
using Pki.Core;

namespace Pki.Storage.PostgreSql;

/// <summary>
/// An <see cref="IAuditStore"/> over <c>pki_audit_events</c>, keyed by sequence. An append is one transaction that takes
/// the log's advisory lock, reads the last event and inserts the next one, so appenders on every host queue on the lock
/// and the sequence stays gap-free. Inside a <see cref="StoreTransaction"/> the append is part of that transaction, and
/// the lock is held until it commits or rolls back.
/// </summary>
internal sealed class PostgreSqlAuditStore(PostgreSqlDatabase db) : IAuditStore
{
    private const string Columns =
        "sequence, timestamp, actor, actor_organization, action, object_type, object_id, authority_id, outcome, error_code, correlation_id, previous_hash, hash";

    private readonly string _table = db.Table("pki_audit_events");

    public async ValueTask<AuditEvent?> GetLastAsync(CancellationToken cancellationToken)
    {
        await using var lease = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM {_table} ORDER BY sequence DESC LIMIT 1", lease.Connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public async ValueTask<AuditEvent> AppendAsync(Func<AuditEvent?, AuditEvent> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        await using var lease = await db.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var begin = new NpgsqlCommand(lease.Begin(string.Empty), lease.Connection);
        return await CommitWithEventAsync(db, lease, begin, next, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="change"/> and appends the event <paramref name="next"/> builds from the last one, then commits
    /// both, in two round trips. <paramref name="change"/> is a command on <paramref name="lease"/>'s connection, outside
    /// any <see cref="NpgsqlTransaction"/>, in the write's transaction begun with <see cref="PostgreSqlConnectionLease.Begin"/>
    /// (earlier, or in its text), and holds the operation's own statements (or none). The first round trip sends those,
    /// the log's advisory lock and the read of the last event; the second, the new event and <c>COMMIT</c> (inside a store
    /// transaction, the release of the write's savepoint: the lock is then held until the store transaction ends).
    /// </summary>
    /// <remarks>
    /// The lock is held to the commit — a later appender must find this event as the last one, on every host — so every
    /// append of the database waits for it in turn. Sending the statements in two batches instead of one each keeps
    /// that section to one round trip and the commit's flush (it was three round trips and the flush). On any failure
    /// the transaction is rolled back before the exception leaves; a failing statement of <paramref name="change"/>
    /// surfaces as its <see cref="PostgresException"/>. Audited issuances and redemptions outside a store transaction
    /// do not come here: they share a transaction, the lock and the commit with the host's other ones in
    /// <see cref="PostgreSqlGroupCommit"/>, which uses the same statements (<see cref="LockSql"/>, <see cref="LastSql"/>,
    /// <see cref="InsertSql"/>).
    /// </remarks>
    internal static async ValueTask<AuditEvent> CommitWithEventAsync(
        PostgreSqlDatabase db, PostgreSqlConnectionLease lease, NpgsqlCommand change, Func<AuditEvent?, AuditEvent> next, CancellationToken cancellationToken)
    {
        try
        {
            change.CommandText = (change.CommandText.Length == 0 ? string.Empty : change.CommandText + "; ") + LockSql + "; " + LastSql(db);
            AddLockParameter(change, db);
            AuditEvent? last;
            await using (var reader = await change.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                last = await ReadLastAsync(reader, cancellationToken).ConfigureAwait(false);
            }

            var auditEvent = AuditChain.Next(last, next);
            await using var insert = new NpgsqlCommand(lease.Commit(InsertSql(db)), lease.Connection);
            BindInsert(insert, auditEvent);
            await lease.CommitAsync(insert, cancellationToken).ConfigureAwait(false);
            return auditEvent;
        }
        catch
        {
            await lease.RollbackQuietlyAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Takes the log's advisory lock (held to the end of the transaction); its parameter is <see cref="AddLockParameter"/>'s.</summary>
    internal const string LockSql = "SELECT pg_advisory_xact_lock(hashtext('pki_audit_events:' || coalesce(@audit_schema, current_schema())))";

    /// <summary>Adds the parameter of <see cref="LockSql"/>.</summary>
    internal static void AddLockParameter(NpgsqlCommand command, PostgreSqlDatabase db) => command.AddText("audit_schema", db.Schema);

    /// <summary>Reads the last event (with the columns <see cref="ReadLastAsync"/> finds).</summary>
    internal static string LastSql(PostgreSqlDatabase db) => $"SELECT {Columns} FROM {db.Table("pki_audit_events")} ORDER BY sequence DESC LIMIT 1";

    /// <summary>Inserts one event; its parameters are <see cref="BindInsert"/>'s.</summary>
    internal static string InsertSql(PostgreSqlDatabase db) =>
        $"INSERT INTO {db.Table("pki_audit_events")} ({Columns}) VALUES (@sequence, @timestamp, @actor, @actor_organization, @action, @object_type, "
        + "@object_id, @authority_id, @outcome, @error_code, @correlation_id, @previous_hash, @hash)";

    /// <summary>Adds the parameters of <see cref="InsertSql"/> for <paramref name="auditEvent"/>.</summary>
    internal static void BindInsert(NpgsqlCommand insert, AuditEvent auditEvent)
    {
        insert.AddBigint("sequence", auditEvent.Sequence);
        insert.AddBigint("timestamp", PostgreSqlTime.ToTicks(auditEvent.Timestamp));
        insert.AddText("actor", auditEvent.Actor);
        insert.AddText("actor_organization", auditEvent.ActorOrganization);
        insert.AddText("action", auditEvent.Action);
        insert.AddText("object_type", auditEvent.ObjectType);
        insert.AddText("object_id", auditEvent.ObjectId);
        insert.AddText("authority_id", auditEvent.AuthorityId);
        insert.AddSmallint("outcome", (int)auditEvent.Outcome);
        insert.AddInteger("error_code", (int?)auditEvent.ErrorCode);
        insert.AddText("correlation_id", auditEvent.CorrelationId);
        insert.AddText("previous_hash", auditEvent.PreviousHash);
        insert.AddText("hash", auditEvent.Hash);
    }

    /// <summary>
    /// Reads every result of <paramref name="reader"/> and returns the last event, the result of <see cref="LastSql"/>
    /// (the statements before it return no rows or other columns), or null when the log is empty.
    /// </summary>
    internal static async ValueTask<AuditEvent?> ReadLastAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        AuditEvent? last = null;
        do
        {
            if (reader.FieldCount > 1 && reader.GetName(0) == "sequence" && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                last = Read(reader);
            }
        }
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
        return last;
    }

    public async IAsyncEnumerable<AuditEvent> QueryAsync(AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        if (!StoreInputRules.CanMatch(query))
        {
            yield break;
        }
        await using var lease = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand { Connection = lease.Connection };
        var sql = new StringBuilder($"SELECT {Columns} FROM {_table} WHERE sequence > @after");
        command.AddBigint("after", query.AfterSequence);
        if (query.From is { } from)
        {
            sql.Append(" AND timestamp >= @from");
            command.AddBigint("from", PostgreSqlTime.ToTicks(from));
        }

        if (query.To is { } to)
        {
            sql.Append(" AND timestamp < @to");
            command.AddBigint("to", PostgreSqlTime.ToTicks(to));
        }

        command.AndTextIfSet(sql, "actor", "actor", query.Actor);
        command.AndTextIfSet(sql, "object_id", "object_id", query.ObjectId);
        command.AndTextIfSet(sql, "action", "action", query.Action);

        sql.Append(" ORDER BY sequence LIMIT @limit");
        command.AddInteger("limit", Math.Max(0, query.Limit));
        command.CommandText = sql.ToString();
        await foreach (var auditEvent in PostgreSqlQueries.ReadAllAsync(lease, command, Read, cancellationToken).ConfigureAwait(false))
        {
            yield return auditEvent;
        }
    }

    private static AuditEvent Read(NpgsqlDataReader reader) => new()
    {
        Sequence = reader.Bigint("sequence"),
        Timestamp = reader.Instant("timestamp"),
        Actor = reader.Text("actor"),
        ActorOrganization = reader.NullableText("actor_organization"),
        Action = reader.Text("action"),
        ObjectType = reader.Text("object_type"),
        ObjectId = reader.NullableText("object_id"),
        AuthorityId = reader.NullableText("authority_id"),
        Outcome = (AuditOutcome)reader.Smallint("outcome"),
        ErrorCode = (PkiErrorCode?)reader.NullableInteger("error_code"),
        CorrelationId = reader.NullableText("correlation_id"),
        PreviousHash = reader.Text("previous_hash"),
        Hash = reader.Text("hash"),
    };
}
