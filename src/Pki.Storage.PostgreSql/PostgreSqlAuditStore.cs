using System.Runtime.CompilerServices;
using System.Text;
using Npgsql;
using Pki.Core;

namespace Pki.Storage.PostgreSql;

/// <summary>
/// An <see cref="IAuditStore"/> over <c>pki_audit_events</c>, keyed by sequence. An append is one INSERT … SELECT that
/// writes only when the sequence is exactly one more than the last committed one; a writer that lost the race (zero
/// rows, or a unique violation on the key) gets <see cref="PkiErrorCode.ConcurrencyConflict"/>, so the log stays gap-free.
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

    public async ValueTask AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"INSERT INTO {_table} ({Columns}) SELECT @sequence, @timestamp, @actor, @actor_organization, @action, @object_type, @object_id, "
            + "@authority_id, @outcome, @error_code, @correlation_id, @previous_hash, @hash "
            + $"WHERE @sequence = (SELECT coalesce(max(sequence), 0) + 1 FROM {_table})", connection);
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
        int inserted;
        try
        {
            inserted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.IsUniqueViolation())
        {
            throw new PkiException(PkiErrorCode.ConcurrencyConflict, $"Audit sequence {auditEvent.Sequence} was taken by another writer.", e);
        }

        if (inserted != 1)
        {
            throw new PkiException(PkiErrorCode.ConcurrencyConflict, $"Audit sequence {auditEvent.Sequence} is not the next one.");
        }
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
