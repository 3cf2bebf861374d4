using System.Runtime.CompilerServices;
using System.Text;
using Npgsql;
using Pki.Core;

namespace Pki.Storage.PostgreSql;

/// <summary>
/// An <see cref="IAuditStore"/> over <c>pki_audit_events</c>, keyed by sequence. An append is one transaction that takes
/// the log's advisory lock, reads the last event and inserts the next one, so appenders on every host queue on the lock
/// and the sequence stays gap-free.
/// </summary>
internal sealed class PostgreSqlAuditStore(PostgreSqlDatabase db) : IAuditStore
{
    private const string Columns =
        "sequence, timestamp, actor, actor_organization, action, object_type, object_id, authority_id, outcome, error_code, correlation_id, previous_hash, hash";

    private readonly string _table = db.Table("pki_audit_events");

    public async ValueTask<AuditEvent?> GetLastAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM {_table} ORDER BY sequence DESC LIMIT 1", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public async ValueTask<AuditEvent> AppendAsync(Func<AuditEvent?, AuditEvent> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var auditEvent = await AppendAsync(db, connection, transaction, next, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return auditEvent;
    }

    /// <summary>
    /// Appends the event <paramref name="next"/> builds from the last one inside <paramref name="transaction"/>: takes
    /// the log's advisory lock (held to the commit, so appenders of every host queue here, and the last event read
    /// after taking it is still the last when the next one is inserted), reads the last event, inserts the new one.
    /// Other stores call it to write an operation's event with its change (<see cref="PendingAuditEvent"/>).
    /// </summary>
    internal static async ValueTask<AuditEvent> AppendAsync(
        PostgreSqlDatabase db, NpgsqlConnection connection, NpgsqlTransaction transaction, Func<AuditEvent?, AuditEvent> next, CancellationToken cancellationToken)
    {
        string table = db.Table("pki_audit_events");
        await using (var locked = new NpgsqlCommand(
            "SELECT pg_advisory_xact_lock(hashtext('pki_audit_events:' || coalesce(@schema, current_schema())))", connection, transaction))
        {
            locked.AddText("schema", db.Schema);
            await locked.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        AuditEvent? last;
        await using (var select = new NpgsqlCommand($"SELECT {Columns} FROM {table} ORDER BY sequence DESC LIMIT 1", connection, transaction))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            last = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
        }

        var auditEvent = AuditChain.Next(last, next);
        await using var command = new NpgsqlCommand(
            $"INSERT INTO {table} ({Columns}) VALUES (@sequence, @timestamp, @actor, @actor_organization, @action, @object_type, @object_id, "
            + "@authority_id, @outcome, @error_code, @correlation_id, @previous_hash, @hash)", connection, transaction);
        command.AddBigint("sequence", auditEvent.Sequence);
        command.AddBigint("timestamp", PostgreSqlTime.ToTicks(auditEvent.Timestamp));
        command.AddText("actor", auditEvent.Actor);
        command.AddText("actor_organization", auditEvent.ActorOrganization);
        command.AddText("action", auditEvent.Action);
        command.AddText("object_type", auditEvent.ObjectType);
        command.AddText("object_id", auditEvent.ObjectId);
        command.AddText("authority_id", auditEvent.AuthorityId);
        command.AddSmallint("outcome", (int)auditEvent.Outcome);
        command.AddInteger("error_code", (int?)auditEvent.ErrorCode);
        command.AddText("correlation_id", auditEvent.CorrelationId);
        command.AddText("previous_hash", auditEvent.PreviousHash);
        command.AddText("hash", auditEvent.Hash);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return auditEvent;
    }

    public async IAsyncEnumerable<AuditEvent> QueryAsync(AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand { Connection = connection };
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

        if (query.Actor is not null)
        {
            sql.Append(" AND actor = @actor");
            command.AddText("actor", query.Actor);
        }

        if (query.ObjectId is not null)
        {
            sql.Append(" AND object_id = @object_id");
            command.AddText("object_id", query.ObjectId);
        }

        if (query.Action is not null)
        {
            sql.Append(" AND action = @action");
            command.AddText("action", query.Action);
        }

        sql.Append(" ORDER BY sequence LIMIT @limit");
        command.AddInteger("limit", Math.Max(0, query.Limit));
        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Read(reader);
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
