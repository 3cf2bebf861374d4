using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Pki.Core;

namespace Pki.Storage.Sqlite;

/// <summary>
/// An <see cref="IRevocationStore"/> over the rows of <c>certificates</c> (a status change is one conditional UPDATE),
/// one CRL-number counter row per CA in <c>crl_numbers</c> (an upsert-increment under the database's write lock, so
/// numbers strictly increase across every process sharing the file), the latest CRLs in <c>crls</c>, every saved CRL in
/// <c>crl_history</c> (until tidy removes it) and delegated responders in <c>ocsp_responders</c>.
/// </summary>
internal sealed class SqliteRevocationStore(SqliteDatabase database) : IRevocationStore
{
    private const string ChangeStatus =
        "UPDATE certificates SET status = @new_status, revocation_reason = @reason, revoked_at = @revoked_at, "
        + "invalidity_date = @invalidity_date, revocation_comment = @comment, status_changed_at = @changed_at "
        + "WHERE id = @id AND status = @expected_status RETURNING id;";

    private const string SelectCertificate = "SELECT " + CertificateRows.Columns + " FROM certificates WHERE id = @id;";

    private const string CertificateExists = "SELECT EXISTS (SELECT 1 FROM certificates WHERE id = @id);";

    private const string EntryColumns =
        "SELECT id, serial_number, status, revocation_reason, revoked_at, invalidity_date, expires_on, status_changed_at, "
        + "status_change_sequence FROM certificates";

    private const string NextNumber =
        "INSERT INTO crl_numbers (authority_id, last_number) VALUES (@authority_id, 1) "
        + "ON CONFLICT (authority_id) DO UPDATE SET last_number = crl_numbers.last_number + 1 RETURNING last_number;";

    private const string LastNumber = "SELECT COALESCE((SELECT last_number FROM crl_numbers WHERE authority_id = @authority_id), 0);";

    private const string UpsertCrl =
        "INSERT INTO crls (authority_id, is_delta, number, base_crl_number, this_update, next_update, created_at, changes_through, entry_count, der) "
        + "VALUES (@authority_id, @is_delta, @number, @base_crl_number, @this_update, @next_update, @created_at, @changes_through, @entry_count, @der) "
        + "ON CONFLICT (authority_id, is_delta) DO UPDATE SET number = excluded.number, base_crl_number = excluded.base_crl_number, "
        + "this_update = excluded.this_update, next_update = excluded.next_update, created_at = excluded.created_at, "
        + "changes_through = excluded.changes_through, entry_count = excluded.entry_count, der = excluded.der WHERE crls.number < excluded.number;";

    private const string InsertCrlHistory =
        "INSERT INTO crl_history (authority_id, is_delta, number, base_crl_number, this_update, next_update, created_at, changes_through, entry_count, der) "
        + "VALUES (@authority_id, @is_delta, @number, @base_crl_number, @this_update, @next_update, @created_at, @changes_through, @entry_count, @der) "
        + "ON CONFLICT (authority_id, is_delta, number) DO NOTHING;";

    // A CRL becomes the latest (unless a higher number is stored) and joins the history, in one transaction.
    private static readonly string[] SaveCrlStatements = [UpsertCrl, InsertCrlHistory];

    // Superseded: a CRL of the same CA and kind with a higher number exists (searched through the primary key).
    internal const string PurgeCrls =
        "DELETE FROM crl_history WHERE (authority_id, is_delta, number) IN (SELECT h.authority_id, h.is_delta, h.number "
        + "FROM crl_history h WHERE h.next_update < @before AND EXISTS (SELECT 1 FROM crl_history n "
        + "WHERE n.authority_id = h.authority_id AND n.is_delta = h.is_delta AND n.number > h.number) LIMIT @limit);";

    private const string SelectCrl =
        "SELECT authority_id, number, base_crl_number, this_update, next_update, created_at, entry_count, der, changes_through "
        + "FROM crls WHERE authority_id = @authority_id AND is_delta = @is_delta;";

    private const string UpsertResponder =
        "INSERT INTO ocsp_responders (authority_id, certificate_id, key_id, certificate_pem, not_after) "
        + "VALUES (@authority_id, @certificate_id, @key_id, @certificate_pem, @not_after) "
        + "ON CONFLICT (authority_id) DO UPDATE SET certificate_id = excluded.certificate_id, key_id = excluded.key_id, "
        + "certificate_pem = excluded.certificate_pem, not_after = excluded.not_after;";

    private const string SelectResponder =
        "SELECT authority_id, certificate_id, key_id, certificate_pem, not_after FROM ocsp_responders WHERE authority_id = @authority_id;";

    public ValueTask<CertificateRecord?> TryChangeStatusAsync(CertificateStatusChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        StoreInputRules.ThrowIfNotStorable(change);
        return database.WriteAsync<CertificateRecord?>(
            async (connection, transaction, token) =>
            {
                string? changedId;
                using (var update = Sql.Command(connection, transaction, ChangeStatus)
                    .With("@new_status", (int)change.NewStatus)
                    .With("@reason", (int?)change.Reason)
                    .With("@revoked_at", Sql.Ticks(change.RevokedAt))
                    .With("@invalidity_date", Sql.Ticks(change.InvalidityDate))
                    .With("@comment", change.Comment)
                    .With("@changed_at", Sql.Ticks(change.ChangedAt))
                    .With("@id", change.CertificateId)
                    .With("@expected_status", (int)change.ExpectedStatus))
                {
                    changedId = await update.ExecuteScalarAsync(token).ConfigureAwait(false) as string;
                }

                if (changedId is not null)
                {
                    // Same transaction, so the row read back is the row just written, with the number the trigger gave
                    // its change (migration 0012: tr_certificates_status_changed).
                    using var select = Sql.Command(connection, transaction, SelectCertificate).With("@id", change.CertificateId);
                    return await Sql.ReadSingleAsync(select, CertificateRows.Read, token).ConfigureAwait(false);
                }

                using var exists = Sql.Command(connection, transaction, CertificateExists).With("@id", change.CertificateId);
                return Convert.ToInt64(await exists.ExecuteScalarAsync(token).ConfigureAwait(false), CultureInfo.InvariantCulture) != 0
                    ? null
                    : throw new PkiException(PkiErrorCode.CertificateNotFound, $"Certificate '{change.CertificateId}' does not exist.");
            },
            cancellationToken);
    }

    public async ValueTask<long> GetLastChangeSequenceAsync(string authorityId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorityId);
        if (!StoreInputRules.IsStorable(authorityId))
        {
            return 0;
        }

        // A reader sees only committed transactions, and a later read sees at least what this one saw: every change
        // numbered up to the result is visible to reads that start afterwards.
        using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = Sql.Command(connection, null, StatusChangeSequences.Last).With("@authority_id", authorityId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    public async IAsyncEnumerable<RevocationEntry> ListEntriesAsync(RevocationEntryQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested(); // also when no entry matches
        if (!StoreInputRules.CanMatch(query))
        {
            yield break;
        }
        List<RevocationEntry> entries;
        using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            using var command = Sql.Command(connection, null, string.Empty);
            BindEntries(command, query);
            entries = await Sql.ReadListAsync(command, ReadEntry, cancellationToken).ConfigureAwait(false);
        }

        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return entry;
        }
    }

    /// <summary>Sets the SQL and parameters of the entries <paramref name="query"/> asks for (also used to check the query plans).</summary>
    internal static void BindEntries(SqliteCommand command, RevocationEntryQuery query)
    {
        // Only constant fragments are appended; every value is a parameter. The literal conditions match the partial
        // indexes' conditions, so SQLite can read ix_certificates_revoked / ix_certificates_status_change_sequence.
        var sql = new StringBuilder(EntryColumns).Append(" WHERE authority_id = @authority_id");
        command.With("@authority_id", query.AuthorityId);
        if (query.ChangedAfter is { } after)
        {
            sql.Append(" AND status_change_sequence IS NOT NULL AND status_change_sequence > @after");
            command.With("@after", after);
        }
        else
        {
            sql.Append(" AND status <> 1"); // CertificateStatus.Active
        }

        if (query.Status is { } status)
        {
            sql.Append(" AND status = @status");
            command.With("@status", (int)status);
        }

        command.SetText(sql.Append(';').ToString());
    }

    public ValueTask<long> NextCrlNumberAsync(string authorityId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(authorityId);
        StoreInputRules.ThrowIfNotIndexable(authorityId, nameof(authorityId));

        // BEGIN IMMEDIATE (WriteAsync) holds the file's write lock from the start: two processes cannot both read the
        // same last_number, and the number is handed out only once the increment is committed.
        return database.WriteAsync(
            async (connection, transaction, token) =>
            {
                using var command = Sql.Command(connection, transaction, NextNumber).With("@authority_id", authorityId);
                return Convert.ToInt64(await command.ExecuteScalarAsync(token).ConfigureAwait(false), CultureInfo.InvariantCulture);
            },
            cancellationToken);
    }

    public ValueTask<long> GetLastCrlNumberAsync(string authorityId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorityId);
        if (!StoreInputRules.IsStorable(authorityId))
        {
            return ValueTask.FromResult(0L);
        }

        // Read under the write lock (WriteAsync: BEGIN IMMEDIATE, behind this process's held transactions), as
        // NextCrlNumberAsync takes numbers: a transaction of any process that has taken a number and not ended is waited
        // for, as the contract asks.
        return database.WriteAsync(
            async (connection, transaction, token) =>
            {
                using var command = Sql.Command(connection, transaction, LastNumber).With("@authority_id", authorityId);
                return Convert.ToInt64(await command.ExecuteScalarAsync(token).ConfigureAwait(false), CultureInfo.InvariantCulture);
            },
            cancellationToken);
    }

    public ValueTask SaveCrlAsync(CertificateRevocationList crl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(crl);
        StoreInputRules.ThrowIfNotStorable(crl);

        // The operation's audit event (crl.create, crl.create-delta) commits with the CRL when it is offered.
        return SqliteAuditStore.WriteAuditedAsync(
            database,
            AuditObjectTypes.Crl,
            crl.Number.ToString(CultureInfo.InvariantCulture),
            crl.AuthorityId,
            async (connection, transaction, token) =>
            {
                foreach (string sql in SaveCrlStatements)
                {
                    using var command = Sql.Command(connection, transaction, sql)
                        .With("@authority_id", crl.AuthorityId)
                        .With("@is_delta", crl.IsDelta ? 1 : 0)
                        .With("@number", crl.Number)
                        .With("@base_crl_number", crl.BaseCrlNumber)
                        .With("@this_update", Sql.Ticks(crl.ThisUpdate))
                        .With("@next_update", Sql.Ticks(crl.NextUpdate))
                        .With("@created_at", Sql.Ticks(crl.CreatedAt))
                        .With("@changes_through", crl.ChangesThrough)
                        .With("@entry_count", crl.EntryCount)
                        .With("@der", crl.Der.ToArray());
                    await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }
            },
            cancellationToken);
    }

    public ValueTask<int> PurgeCrlsAsync(DateTimeOffset nextUpdateBefore, int limit, CancellationToken cancellationToken) =>
        Sql.PurgeAsync(database, PurgeCrls, nextUpdateBefore, limit, cancellationToken);

    public async ValueTask<CertificateRevocationList?> GetLatestCrlAsync(string authorityId, bool delta, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorityId);
        if (!StoreInputRules.IsStorable(authorityId))
        {
            return null;
        }

        using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = Sql.Command(connection, null, SelectCrl)
            .With("@authority_id", authorityId)
            .With("@is_delta", delta ? 1 : 0);
        return await Sql.ReadSingleAsync(
            command,
            row => new CertificateRevocationList
            {
                AuthorityId = row.GetString(0),
                Number = row.GetInt64(1),
                BaseCrlNumber = row.IsDBNull(2) ? null : row.GetInt64(2),
                ThisUpdate = row.Instant(3),
                NextUpdate = row.Instant(4),
                CreatedAt = row.Instant(5),
                EntryCount = row.GetInt32(6),
                Der = row.Bytes(7),
                ChangesThrough = row.GetInt64(8),
            },
            cancellationToken).ConfigureAwait(false);
    }

    public ValueTask SetOcspResponderAsync(OcspResponderRecord responder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(responder);
        StoreInputRules.ThrowIfNotStorable(responder);
        return database.WriteAsync(
            async (connection, transaction, token) =>
            {
                using var command = Sql.Command(connection, transaction, UpsertResponder)
                    .With("@authority_id", responder.AuthorityId)
                    .With("@certificate_id", responder.CertificateId)
                    .With("@key_id", responder.KeyId)
                    .With("@certificate_pem", responder.CertificatePem)
                    .With("@not_after", Sql.Ticks(responder.NotAfter));
                await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public async ValueTask<OcspResponderRecord?> GetOcspResponderAsync(string authorityId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorityId);
        if (!StoreInputRules.IsStorable(authorityId))
        {
            return null;
        }

        using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = Sql.Command(connection, null, SelectResponder).With("@authority_id", authorityId);
        return await Sql.ReadSingleAsync(
            command,
            row => new OcspResponderRecord(row.GetString(0), row.GetString(1), row.GetString(2), row.GetString(3), row.Instant(4)),
            cancellationToken).ConfigureAwait(false);
    }

    private static RevocationEntry ReadEntry(SqliteDataReader row) => new(
        row.GetString(0),
        SerialNumber.FromBytes(row.Bytes(1)),
        (CertificateStatus)row.GetInt32(2),
        (RevocationReason?)row.NullableInt32(3),
        row.NullableInstant(4),
        row.NullableInstant(5),
        row.Instant(6),
        row.NullableInstant(7),
        row.IsDBNull(8) ? 0 : row.GetInt64(8));
}
