using System.Runtime.CompilerServices;
using System.Text;
using Npgsql;
using Pki.Core;

namespace Pki.Storage.PostgreSql;

/// <summary>
/// An <see cref="IRevocationStore"/> over the rows of <c>pki_certificates</c> (status changes are compare-and-set
/// UPDATEs), one CRL-number counter row per CA in <c>pki_crl_numbers</c> (an atomic upsert-increment, so numbers
/// strictly increase across every host), the latest CRLs in <c>pki_crls</c>, every saved CRL in <c>pki_crl_history</c>
/// (until tidy removes it) and responders in <c>pki_ocsp_responders</c>.
/// </summary>
internal sealed class PostgreSqlRevocationStore(PostgreSqlDatabase db) : IRevocationStore
{
    private const short Active = (short)CertificateStatus.Active;

    private readonly string _certificates = db.Table("pki_certificates");
    private readonly string _crlNumbers = db.Table("pki_crl_numbers");
    private readonly string _crls = db.Table("pki_crls");
    private readonly string _history = db.Table("pki_crl_history");
    private readonly string _responders = db.Table("pki_ocsp_responders");

    public async ValueTask<CertificateRecord?> TryChangeStatusAsync(CertificateStatusChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        StoreInputRules.ThrowIfNotStorable(change);
        await using var lease = await db.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        CertificateRecord? changed;
        // One statement: the CA's counter is incremented (and its row locked until commit) only when the certificate's
        // status is the expected one, and the certificate takes the new number with the change. A concurrent change that
        // commits first makes the UPDATE find no row (re-checked on the new row version): the number is then unused.
        await using (var command = new NpgsqlCommand(
            $"WITH target AS (SELECT authority_id FROM {_certificates} WHERE id = @id AND status = @expected_status), "
            + $"next AS ({StatusChangeSequences.TakeNextSql(db, "SELECT authority_id, 1 FROM target")}) "
            + $"UPDATE {_certificates} SET status = @new_status, revocation_reason = @reason, revoked_at = @revoked_at, "
            + "invalidity_date = @invalidity_date, revocation_comment = @comment, status_changed_at = @changed_at, "
            + "status_change_sequence = (SELECT last_sequence FROM next) "
            + $"WHERE id = @id AND status = @expected_status RETURNING {CertificateRows.Columns}", lease.Connection))
        {
            command.AddSmallint("new_status", (int)change.NewStatus);
            command.AddSmallint("reason", (int?)change.Reason);
            command.AddBigint("revoked_at", PostgreSqlTime.ToTicks(change.RevokedAt));
            command.AddBigint("invalidity_date", PostgreSqlTime.ToTicks(change.InvalidityDate));
            command.AddText("comment", change.Comment);
            command.AddBigint("changed_at", PostgreSqlTime.ToTicks(change.ChangedAt));
            command.AddText("id", change.CertificateId);
            command.AddSmallint("expected_status", (int)change.ExpectedStatus);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            changed = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? CertificateRows.Read(reader) : null;
        }

        if (changed is not null)
        {
            await lease.CompleteAsync().ConfigureAwait(false);
            return changed;
        }

        await using var exists = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {_certificates} WHERE id = @id)", lease.Connection);
        exists.AddText("id", change.CertificateId);
        return (bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!
            ? null
            : throw new PkiException(PkiErrorCode.CertificateNotFound, $"Certificate '{change.CertificateId}' does not exist.");
    }

    public async ValueTask<long> GetLastChangeSequenceAsync(string authorityId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorityId);
        if (!StoreInputRules.IsStorable(authorityId))
        {
            return 0;
        }

        // READ COMMITTED: the committed number. A change that has taken a higher one and not yet committed still holds
        // the counter's row lock, so every number up to this one is committed and visible to later statements.
        await using var lease = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(StatusChangeSequences.LastSql(db), lease.Connection);
        command.AddText("authority_id", authorityId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async IAsyncEnumerable<RevocationEntry> ListEntriesAsync(RevocationEntryQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        if (!StoreInputRules.CanMatch(query))
        {
            yield break;
        }
        await using var lease = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand { Connection = lease.Connection };
        var sql = new StringBuilder(
            "SELECT id, serial_number, status, revocation_reason, revoked_at, invalidity_date, expires_on, status_changed_at, "
            + $"status_change_sequence FROM {_certificates} WHERE authority_id = @authority_id");
        command.AddText("authority_id", query.AuthorityId);
        if (query.ChangedAfter is { } after)
        {
            sql.Append(" AND status_change_sequence IS NOT NULL AND status_change_sequence > @after");
            command.AddBigint("after", after);
        }
        else
        {
            sql.Append(" AND status <> @active");
            command.AddSmallint("active", Active);
        }

        if (query.Status is { } status)
        {
            sql.Append(" AND status = @status");
            command.AddSmallint("status", (int)status);
        }

        command.CommandText = sql.ToString();
        await foreach (var entry in PostgreSqlQueries.ReadAllAsync(lease, command, ReadEntry, cancellationToken).ConfigureAwait(false))
        {
            yield return entry;
        }
    }

    public async ValueTask<long> NextCrlNumberAsync(string authorityId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(authorityId);
        StoreInputRules.ThrowIfNotIndexable(authorityId, nameof(authorityId));
        await using var lease = await db.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"INSERT INTO {_crlNumbers} AS n (authority_id, last_number) VALUES (@authority_id, 1) "
            + "ON CONFLICT (authority_id) DO UPDATE SET last_number = n.last_number + 1 RETURNING last_number", lease.Connection);
        command.AddText("authority_id", authorityId);
        long number = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        await lease.CompleteAsync().ConfigureAwait(false);
        return number;
    }

    public async ValueTask<long> GetLastCrlNumberAsync(string authorityId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorityId);
        if (!StoreInputRules.IsStorable(authorityId))
        {
            return 0;
        }

        // FOR SHARE waits for a transaction that has incremented the counter and not yet ended (READ COMMITTED alone would
        // show the number before it), then reads the row as it was committed.
        await using var lease = await db.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT last_number FROM {_crlNumbers} WHERE authority_id = @authority_id FOR SHARE", lease.Connection);
        command.AddText("authority_id", authorityId);
        long number = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long found ? found : 0;
        await lease.CompleteAsync().ConfigureAwait(false);
        return number;
    }

    public async ValueTask SaveCrlAsync(CertificateRevocationList crl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(crl);
        StoreInputRules.ThrowIfNotStorable(crl);

        // Outside a store transaction the operation's audit event (crl.create, crl.create-delta) commits with the CRL, in
        // the host's next group commit.
        var pending = StoreTransaction.Current is null ? PendingAuditEvent.Current : null;
        var next = pending?.TryTake(AuditObjectTypes.Crl, crl.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), crl.AuthorityId);
        if (pending is not null && next is not null)
        {
            try
            {
                await using var save = SaveCrlCommand(crl);
                var written = await db.AuditedWrites.WriteAsync(new PostgreSqlAuditedWrite([save], next), cancellationToken).ConfigureAwait(false);
                pending.Written(written!);
                return;
            }
            catch
            {
                pending.Release();
                throw;
            }
        }

        await using var lease = await db.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var command = SaveCrlCommand(crl);
        command.Connection = lease.Connection;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await lease.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// One statement (so one transaction): the CRL joins the history and becomes the latest unless a higher number is
    /// stored. On no connection yet.
    /// </summary>
    private NpgsqlCommand SaveCrlCommand(CertificateRevocationList crl)
    {
        var command = new NpgsqlCommand(
            $"WITH saved AS (INSERT INTO {_history} (authority_id, is_delta, number, base_crl_number, this_update, next_update, created_at, changes_through, entry_count, der) "
            + "VALUES (@authority_id, @is_delta, @number, @base_crl_number, @this_update, @next_update, @created_at, @changes_through, @entry_count, @der) "
            + "ON CONFLICT (authority_id, is_delta, number) DO NOTHING) "
            + $"INSERT INTO {_crls} AS c (authority_id, is_delta, number, base_crl_number, this_update, next_update, created_at, changes_through, entry_count, der) "
            + "VALUES (@authority_id, @is_delta, @number, @base_crl_number, @this_update, @next_update, @created_at, @changes_through, @entry_count, @der) "
            + "ON CONFLICT (authority_id, is_delta) DO UPDATE SET number = excluded.number, base_crl_number = excluded.base_crl_number, "
            + "this_update = excluded.this_update, next_update = excluded.next_update, created_at = excluded.created_at, "
            + "changes_through = excluded.changes_through, entry_count = excluded.entry_count, der = excluded.der WHERE c.number < excluded.number");
        command.AddText("authority_id", crl.AuthorityId);
        command.AddBoolean("is_delta", crl.IsDelta);
        command.AddBigint("number", crl.Number);
        command.AddBigint("base_crl_number", crl.BaseCrlNumber);
        command.AddBigint("this_update", PostgreSqlTime.ToTicks(crl.ThisUpdate));
        command.AddBigint("next_update", PostgreSqlTime.ToTicks(crl.NextUpdate));
        command.AddBigint("created_at", PostgreSqlTime.ToTicks(crl.CreatedAt));
        command.AddBigint("changes_through", crl.ChangesThrough);
        command.AddInteger("entry_count", crl.EntryCount);
        command.AddBytes("der", crl.Der.Span);
        return command;
    }

    // Superseded: a CRL of the same CA and kind with a higher number exists (searched through the primary key).
    public ValueTask<int> PurgeCrlsAsync(DateTimeOffset nextUpdateBefore, int limit, CancellationToken cancellationToken) =>
        PostgreSqlQueries.PurgeAsync(
            db,
            $"DELETE FROM {_history} WHERE (authority_id, is_delta, number) IN (SELECT h.authority_id, h.is_delta, h.number FROM {_history} h "
            + $"WHERE h.next_update < @before AND EXISTS (SELECT 1 FROM {_history} n WHERE n.authority_id = h.authority_id "
            + "AND n.is_delta = h.is_delta AND n.number > h.number) LIMIT @limit)",
            nextUpdateBefore,
            limit,
            cancellationToken);

    public async ValueTask<CertificateRevocationList?> GetLatestCrlAsync(string authorityId, bool delta, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorityId);
        if (!StoreInputRules.IsStorable(authorityId))
        {
            return null;
        }

        await using var lease = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT authority_id, number, base_crl_number, this_update, next_update, created_at, changes_through, entry_count, der "
            + $"FROM {_crls} WHERE authority_id = @authority_id AND is_delta = @is_delta", lease.Connection);
        command.AddText("authority_id", authorityId);
        command.AddBoolean("is_delta", delta);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new CertificateRevocationList
            {
                AuthorityId = reader.Text("authority_id"),
                Number = reader.Bigint("number"),
                BaseCrlNumber = reader.NullableBigint("base_crl_number"),
                ThisUpdate = reader.Instant("this_update"),
                NextUpdate = reader.Instant("next_update"),
                CreatedAt = reader.Instant("created_at"),
                ChangesThrough = reader.Bigint("changes_through"),
                EntryCount = reader.Integer("entry_count"),
                Der = reader.Bytes("der"),
            }
            : null;
    }

    public async ValueTask SetOcspResponderAsync(OcspResponderRecord responder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(responder);
        StoreInputRules.ThrowIfNotStorable(responder);
        await using var lease = await db.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"INSERT INTO {_responders} (authority_id, certificate_id, key_id, certificate_pem, not_after) "
            + "VALUES (@authority_id, @certificate_id, @key_id, @certificate_pem, @not_after) "
            + "ON CONFLICT (authority_id) DO UPDATE SET certificate_id = excluded.certificate_id, key_id = excluded.key_id, "
            + "certificate_pem = excluded.certificate_pem, not_after = excluded.not_after", lease.Connection);
        command.AddText("authority_id", responder.AuthorityId);
        command.AddText("certificate_id", responder.CertificateId);
        command.AddText("key_id", responder.KeyId);
        command.AddText("certificate_pem", responder.CertificatePem);
        command.AddBigint("not_after", PostgreSqlTime.ToTicks(responder.NotAfter));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await lease.CompleteAsync().ConfigureAwait(false);
    }

    public async ValueTask<OcspResponderRecord?> GetOcspResponderAsync(string authorityId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorityId);
        if (!StoreInputRules.IsStorable(authorityId))
        {
            return null;
        }

        await using var lease = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"SELECT authority_id, certificate_id, key_id, certificate_pem, not_after FROM {_responders} WHERE authority_id = @authority_id", lease.Connection);
        command.AddText("authority_id", authorityId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new OcspResponderRecord(reader.Text("authority_id"), reader.Text("certificate_id"), reader.Text("key_id"), reader.Text("certificate_pem"), reader.Instant("not_after"))
            : null;
    }

    private static RevocationEntry ReadEntry(NpgsqlDataReader reader) => new(
        reader.Text("id"),
        SerialNumber.FromBytes(reader.Bytes("serial_number")),
        (CertificateStatus)reader.Smallint("status"),
        (RevocationReason?)reader.NullableSmallint("revocation_reason"),
        reader.NullableInstant("revoked_at"),
        reader.NullableInstant("invalidity_date"),
        reader.Instant("expires_on"),
        reader.NullableInstant("status_changed_at"),
        reader.NullableBigint("status_change_sequence") ?? 0);
}
