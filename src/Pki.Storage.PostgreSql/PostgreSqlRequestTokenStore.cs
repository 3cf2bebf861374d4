using System.Runtime.CompilerServices;
using System.Text;
using Npgsql;
using Pki.Core;

namespace Pki.Storage.PostgreSql;

/// <summary>
/// An <see cref="IRequestTokenStore"/> over <c>pki_request_tokens</c>, sharing the database with
/// <see cref="PostgreSqlCertificateStore"/>. <see cref="RedeemAsync"/> is one transaction: a conditional UPDATE that
/// consumes the token only while it is unused and unexpired (the row lock makes concurrent redeemers from any host wait
/// and then find it used), then the certificate INSERT; a failing insert rolls the update back.
/// </summary>
internal sealed class PostgreSqlRequestTokenStore(PostgreSqlDatabase db) : IRequestTokenStore
{
    private const short Unused = (short)RequestTokenState.Unused;
    private const short Used = (short)RequestTokenState.Used;
    private const short Deleted = (short)RequestTokenState.Deleted;

    private readonly string _table = db.Table("pki_request_tokens");

    public async ValueTask AddAsync(StoredRequestToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        StoreInputRules.ThrowIfNotStorable(token);

        // A new token (no certificate yet) outside a store transaction takes the operation's audit event: token and event
        // commit together in the host's next group commit. Inside a store transaction the engine appends it there.
        var pending = StoreTransaction.Current is null && token.Token.CertificateId is null ? PendingAuditEvent.Current : null;
        var next = pending?.TryTake(AuditObjectTypes.Token, token.Token.Id, token.Token.Authority.Id);
        if (pending is not null && next is not null)
        {
            try
            {
                await using var insert = new NpgsqlCommand(InsertSql);
                RequestTokenRows.AddParameters(insert, token);
                var written = await db.AuditedWrites.WriteAsync(new PostgreSqlAuditedWrite([insert], next), cancellationToken).ConfigureAwait(false);
                pending.Written(written!);
                return;
            }
            catch (PostgresException e) when (e.IsUniqueViolation())
            {
                pending.Release();
                throw InsertConflict(e, token);
            }
            catch
            {
                pending.Release();
                throw;
            }
        }

        await using var lease = await db.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await lease.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (token.Token.CertificateId is { } certificateId)
        {
            // As the SQLite store's foreign key: a token names only a certificate that exists. The key-share lock keeps
            // the certificate from being purged before this transaction commits (the purge skips rows locked so).
            await using var exists = new NpgsqlCommand($"SELECT 1 FROM {db.Table("pki_certificates")} WHERE id = @id FOR KEY SHARE", lease.Connection, transaction);
            exists.AddText("id", certificateId);
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                throw new PkiException(PkiErrorCode.CertificateNotFound, $"The request token's CertificateId '{certificateId}' names no certificate in this store.");
            }
        }

        await using var command = new NpgsqlCommand(InsertSql, lease.Connection, transaction);
        RequestTokenRows.AddParameters(command, token);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await lease.CommitAsync(transaction, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.IsUniqueViolation())
        {
            throw InsertConflict(e, token);
        }
    }

    private string InsertSql => $"INSERT INTO {_table} ({RequestTokenRows.Columns}, secret_hash) VALUES ({Parameters(RequestTokenRows.Columns)}, @secret_hash)";

    private static PkiException InsertConflict(PostgresException e, StoredRequestToken token) => e.IsUniqueViolation("pki_request_tokens_hash_key")
        ? new PkiException(PkiErrorCode.Conflict, "A request token with this secret hash already exists.", e)
        : new PkiException(PkiErrorCode.Conflict, $"A request token with id '{token.Token.Id}' already exists.", e);

    public async ValueTask<RequestTokenRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!StoreInputRules.IsStorable(id))
        {
            return null;
        }

        await using var lease = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await GetAsync(lease.Connection, null, id, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<StoredRequestToken?> FindByHashAsync(ReadOnlyMemory<byte> secretHash, CancellationToken cancellationToken)
    {
        await using var lease = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {RequestTokenRows.Columns}, secret_hash FROM {_table} WHERE secret_hash = @secret_hash", lease.Connection);
        command.AddBytes("secret_hash", secretHash.Span);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new StoredRequestToken(RequestTokenRows.Read(reader), reader.Bytes("secret_hash"))
            : null;
    }

    public async IAsyncEnumerable<RequestTokenRecord> ListAsync(RequestTokenQuery query, DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        if (!StoreInputRules.CanMatch(query))
        {
            yield break;
        }
        await using var lease = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand { Connection = lease.Connection };
        var sql = new StringBuilder($"SELECT {RequestTokenRows.Columns} FROM {_table} WHERE TRUE");
        command.AndTextIfSet(sql, "authority_id", "authority_id", query.AuthorityId);
        command.AndTextIfSet(sql, "owner_organization", "owner_organization", query.OwnerOrganization);

        if (query.State is { } state)
        {
            // Expired is not stored: it is an unused token at or past its expiry at the query's "now".
            if (state is RequestTokenState.Unused or RequestTokenState.Expired)
            {
                sql.Append(state == RequestTokenState.Unused
                    ? " AND state = @unused AND expires_at > @now"
                    : " AND state = @unused AND expires_at <= @now");
                command.AddSmallint("unused", Unused);
                command.AddBigint("now", PostgreSqlTime.ToTicks(now));
            }
            else
            {
                sql.Append(" AND state = @state");
                command.AddSmallint("state", (int)state);
            }
        }

        PostgreSqlQueries.FinishKeysetPage(sql, command, query.After, query.Limit);
        await foreach (var row in PostgreSqlQueries.ReadAllAsync(lease, command, RequestTokenRows.Read, cancellationToken).ConfigureAwait(false))
        {
            yield return row;
        }
    }

    public async ValueTask<RequestTokenRecord> DeleteAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!StoreInputRules.IsStorable(id))
        {
            throw NotFound(); // no token has such an id, and PostgreSQL would refuse the parameter
        }

        await using var lease = await db.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        RequestTokenRecord? deleted;
        await using (var command = new NpgsqlCommand(
            $"UPDATE {_table} SET state = @deleted, deleted_at = @now WHERE id = @id AND state <> @deleted RETURNING {RequestTokenRows.Columns}", lease.Connection))
        {
            command.AddSmallint("deleted", Deleted);
            command.AddBigint("now", PostgreSqlTime.ToTicks(now));
            command.AddText("id", id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            deleted = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? RequestTokenRows.Read(reader) : null;
        }

        if (deleted is not null)
        {
            await lease.CompleteAsync().ConfigureAwait(false);
            return deleted;
        }

        // Nothing changed: the token is already deleted (returned unchanged) or does not exist.
        return await GetAsync(lease.Connection, null, id, cancellationToken).ConfigureAwait(false)
            ?? throw NotFound();
    }

    public async ValueTask RedeemAsync(string tokenId, CertificateRecord certificate, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokenId);
        CertificateRecordRules.ThrowIfIncomplete(certificate, nameof(certificate));
        StoreInputRules.ThrowIfNotStorable(certificate);
        if (!StoreInputRules.IsStorable(tokenId))
        {
            throw NotFound();
        }

        // Inside a store transaction, the engine appends the event in it: it is written only once that transaction commits.
        var pending = StoreTransaction.Current is null ? PendingAuditEvent.Current : null;
        var next = pending?.TryTake(AuditObjectTypes.Certificate, certificate.Id, certificate.CertificateAuthority.Id);
        if (pending is null || next is null)
        {
            await using var lease = await db.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
            await ConsumeAndStoreAsync(lease, tokenId, certificate, now, cancellationToken).ConfigureAwait(false);
            return;
        }

        // With the operation's audit event, in the host's next group commit: the token's consumption is the write's
        // condition, so a token already used (or expired, deleted, missing) undoes the write alone.
        try
        {
            await using var consume = Consume(ConsumeSql, tokenId, certificate, now);
            await using var store = new NpgsqlCommand(CertificateRows.InsertSql(db, certificate));
            CertificateRows.Bind(store, certificate);
            var written = await db.AuditedWrites.WriteAsync(new PostgreSqlAuditedWrite([consume, store], next, Conditional: true), cancellationToken)
                .ConfigureAwait(false);
            if (written is null)
            {
                await using var lease = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
                throw WhyNotRedeemable(tokenId, await GetAsync(lease.Connection, null, tokenId, cancellationToken).ConfigureAwait(false), now);
            }

            pending.Written(written);
        }
        catch (PostgresException e) when (CertificateRows.InsertFailure(e, certificate) is { } failure)
        {
            pending.Release();
            throw failure;
        }
        catch
        {
            pending.Release();
            throw;
        }
    }

    /// <summary>
    /// The redemption transaction without an audit event (begun with a plain <c>BEGIN</c>, so that the certificate and
    /// <c>COMMIT</c> can share a round trip; inside a store transaction, the write's savepoint).
    /// </summary>
    private async ValueTask ConsumeAndStoreAsync(
        PostgreSqlConnectionLease lease, string tokenId, CertificateRecord certificate, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var connection = lease.Connection;
        try
        {
            int consumed;
            await using (var command = Consume(lease.Begin(ConsumeSql), tokenId, certificate, now))
            {
                command.Connection = connection;
                consumed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (consumed != 1)
            {
                var current = await GetAsync(connection, null, tokenId, cancellationToken).ConfigureAwait(false);
                await lease.RollbackQuietlyAsync().ConfigureAwait(false);
                throw WhyNotRedeemable(tokenId, current, now);
            }

            // A failure from here on (a duplicate serial, a cancellation) rolls the consumption back.
            await using var store = new NpgsqlCommand(lease.Commit(CertificateRows.InsertSql(db, certificate)), connection);
            CertificateRows.Bind(store, certificate);
            await lease.CommitAsync(store, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (CertificateRows.InsertFailure(e, certificate) is { } failure)
        {
            await lease.RollbackQuietlyAsync().ConfigureAwait(false);
            throw failure;
        }
        catch (Exception ex) when (ex is not PkiException)
        {
            await lease.RollbackQuietlyAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Consumes the token (one row changed) only while it is unused and unexpired; <see cref="Consume"/> binds it.</summary>
    private string ConsumeSql =>
        $"UPDATE {_table} SET state = @used, redeemed_at = @now, certificate_id = @certificate_id WHERE id = @id AND state = @unused AND expires_at > @now";

    private static NpgsqlCommand Consume(string text, string tokenId, CertificateRecord certificate, DateTimeOffset now)
    {
        var command = new NpgsqlCommand(text);
        command.AddSmallint("used", Used);
        command.AddSmallint("unused", Unused);
        command.AddBigint("now", PostgreSqlTime.ToTicks(now));
        command.AddText("certificate_id", certificate.Id);
        command.AddText("id", tokenId);
        return command;
    }

    // Each branch searches its own (state, …) index; states 0, 1, 3 are RequestTokenState's Unused, Used, Deleted.
    public ValueTask<int> PurgeAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        PostgreSqlQueries.PurgeAsync(
            db,
            $"DELETE FROM {_table} WHERE id IN (SELECT id FROM {_table} WHERE state = 0 AND expires_at < @before "
            + $"UNION ALL SELECT id FROM {_table} WHERE state = 1 AND redeemed_at < @before "
            + $"UNION ALL SELECT id FROM {_table} WHERE state = 3 AND deleted_at < @before LIMIT @limit)",
            before,
            limit,
            cancellationToken);

    private static PkiException WhyNotRedeemable(string tokenId, RequestTokenRecord? token, DateTimeOffset now) => token?.StateAt(now) switch
    {
        null => NotFound(),
        RequestTokenState.Used => new PkiException(PkiErrorCode.TokenAlreadyUsed, $"Request token {tokenId} has already been used; tokens are single-use."),
        RequestTokenState.Deleted => new PkiException(PkiErrorCode.TokenDeleted, $"Request token {tokenId} was deleted by an administrator."),
        RequestTokenState.Expired => new PkiException(PkiErrorCode.TokenExpired, $"Request token {tokenId} expired at {token.ExpiresAt:u}."),
        _ => new PkiException(PkiErrorCode.ConcurrencyConflict, $"Request token {tokenId} changed while it was being redeemed; try again."),
    };

    private async Task<RequestTokenRecord?> GetAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {RequestTokenRows.Columns} FROM {_table} WHERE id = @id", connection, transaction);
        command.AddText("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? RequestTokenRows.Read(reader) : null;
    }

    private static string Parameters(string columns) => string.Join(", ", columns.Split(", ").Select(c => "@" + c));

    private static PkiException NotFound() =>
        new(PkiErrorCode.TokenNotFound, "The request token does not exist. Check that it was not mistyped.");
}
