using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Pki.Core;

namespace Pki.Storage.Sqlite;

/// <summary>
/// An <see cref="IRequestTokenStore"/> on the <c>request_tokens</c> table, sharing the database (and so the transaction)
/// with the certificate store.
/// </summary>
/// <remarks>
/// <see cref="RedeemAsync"/> is one <c>BEGIN IMMEDIATE</c> transaction: a conditional update that consumes the token
/// only if it is unused and unexpired (one row changed, or none), then the certificate insert under the unique
/// (authority, serial) index. Any failure rolls both back, so a token is never used without its certificate, and a
/// second redeemer (in this or another process) waits for the write lock and then finds the token used.
/// </remarks>
internal sealed class SqliteRequestTokenStore(SqliteDatabase database) : IRequestTokenStore
{
    private const string Columns =
        "id, name, authority_id, authority_name, common_name, organization, organizational_unit, validity_days, profile, "
        + "owner_organization, created_at, expires_at, state, redeemed_at, certificate_id, deleted_at, secret_hash";

    private const string Insert =
        "INSERT INTO request_tokens (" + Columns + ") VALUES (@id, @name, @authority_id, @authority_name, @common_name, "
        + "@organization, @organizational_unit, @validity_days, @profile, @owner_organization, @created_at, @expires_at, "
        + "@state, @redeemed_at, @certificate_id, @deleted_at, @secret_hash);";

    private const string SelectById = "SELECT " + Columns + " FROM request_tokens WHERE id = @id;";

    private const string CertificateExists = "SELECT EXISTS (SELECT 1 FROM certificates WHERE id = @id);";

    private const string SelectByHash = "SELECT " + Columns + " FROM request_tokens WHERE secret_hash = @secret_hash;";

    private const string Consume =
        "UPDATE request_tokens SET state = @used, redeemed_at = @now, certificate_id = @certificate_id "
        + "WHERE id = @id AND state = @unused AND expires_at > @now;";

    // Each branch searches its own index: (state, expires_at), (state, redeemed_at), (state, deleted_at).
    internal const string Purge =
        "DELETE FROM request_tokens WHERE id IN ("
        + "SELECT id FROM request_tokens WHERE state = 0 AND expires_at < @before "
        + "UNION ALL SELECT id FROM request_tokens WHERE state = 1 AND redeemed_at < @before "
        + "UNION ALL SELECT id FROM request_tokens WHERE state = 3 AND deleted_at < @before LIMIT @limit);";

    private const string MarkDeleted =
        "UPDATE request_tokens SET state = @deleted, deleted_at = @now WHERE id = @id AND state <> @deleted;";

    public ValueTask AddAsync(StoredRequestToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        StoreInputRules.ThrowIfNotStorable(token);
        var record = token.Token;
        return SqliteAuditStore.WriteAuditedAsync(
            database,
            AuditObjectTypes.Token,
            record.Id,
            record.Authority.Id,
            async (connection, transaction, cancel) =>
            {
                if (record.CertificateId is { } certificateId)
                {
                    // The foreign key would refuse it only at commit, as a driver error: refuse it here, before the insert.
                    using var exists = Sql.Command(connection, transaction, CertificateExists).With("@id", certificateId);
                    if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancel).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 0)
                    {
                        throw CertificateNotFound(certificateId);
                    }
                }

                using var command = Sql.Command(connection, transaction, Insert)
                    .With("@id", record.Id)
                    .With("@name", record.Name)
                    .With("@authority_id", record.Authority.Id)
                    .With("@authority_name", record.Authority.Name)
                    .With("@common_name", record.CommonName)
                    .With("@organization", record.Organization)
                    .With("@organizational_unit", record.OrganizationalUnit)
                    .With("@validity_days", record.ValidityDays)
                    .With("@profile", record.Profile)
                    .With("@owner_organization", record.OwnerOrganization)
                    .With("@created_at", Sql.Ticks(record.CreatedAt))
                    .With("@expires_at", Sql.Ticks(record.ExpiresAt))
                    .With("@state", (int)record.State)
                    .With("@redeemed_at", Sql.Ticks(record.RedeemedAt))
                    .With("@certificate_id", record.CertificateId)
                    .With("@deleted_at", Sql.Ticks(record.DeletedAt))
                    .With("@secret_hash", token.SecretHash.ToArray());
                try
                {
                    await command.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
                }
                catch (SqliteException ex) when (SqliteErrors.IsUniqueViolation(ex))
                {
                    throw new PkiException(PkiErrorCode.Conflict, $"A request token with id '{record.Id}' or with this secret hash already exists.", ex);
                }
            },
            cancellationToken);
    }

    public async ValueTask<RequestTokenRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!StoreInputRules.IsStorable(id))
        {
            return null;
        }

        using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = Sql.Command(connection, null, SelectById).With("@id", id);
        return (await Sql.ReadSingleAsync(command, ReadStored, cancellationToken).ConfigureAwait(false))?.Token;
    }

    public async ValueTask<StoredRequestToken?> FindByHashAsync(ReadOnlyMemory<byte> secretHash, CancellationToken cancellationToken)
    {
        using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = Sql.Command(connection, null, SelectByHash).With("@secret_hash", secretHash.ToArray());
        return await Sql.ReadSingleAsync(command, ReadStored, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<RequestTokenRecord> ListAsync(RequestTokenQuery query, DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested(); // also when no token matches
        if (!StoreInputRules.CanMatch(query))
        {
            yield break;
        }
        List<StoredRequestToken> page;
        using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            using var command = Sql.Command(connection, null, string.Empty);
            BindList(command, query, now);
            page = await Sql.ReadListAsync(command, ReadStored, cancellationToken).ConfigureAwait(false);
        }

        foreach (var stored in page)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return stored.Token;
        }
    }

    public async ValueTask<RequestTokenRecord> DeleteAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!StoreInputRules.IsStorable(id))
        {
            throw NotFound(); // no token has such an id
        }

        return await database.WriteAsync(
            async (connection, transaction, cancel) =>
            {
                using (var mark = Sql.Command(connection, transaction, MarkDeleted)
                    .With("@id", id)
                    .With("@now", Sql.Ticks(now))
                    .With("@deleted", (int)RequestTokenState.Deleted))
                {
                    await mark.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
                }

                using var select = Sql.Command(connection, transaction, SelectById).With("@id", id);
                var stored = await Sql.ReadSingleAsync(select, ReadStored, cancel).ConfigureAwait(false);
                return stored?.Token ?? throw NotFound();
            },
            cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<int> PurgeAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        Sql.PurgeAsync(database, Purge, before, limit, cancellationToken);

    public ValueTask RedeemAsync(string tokenId, CertificateRecord certificate, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokenId);
        CertificateRecordRules.ThrowIfIncomplete(certificate, nameof(certificate));
        StoreInputRules.ThrowIfNotStorable(certificate);
        if (!StoreInputRules.IsStorable(tokenId))
        {
            throw NotFound();
        }

        var row = CertificateRows.Encode(certificate);
        return SqliteAuditStore.WriteAuditedAsync(
            database,
            AuditObjectTypes.Certificate,
            certificate.Id,
            certificate.CertificateAuthority.Id,
            async (connection, transaction, cancel) =>
            {
                int consumed;
                using (var consume = Sql.Command(connection, transaction, Consume)
                    .With("@id", tokenId)
                    .With("@now", Sql.Ticks(now))
                    .With("@certificate_id", certificate.Id)
                    .With("@used", (int)RequestTokenState.Used)
                    .With("@unused", (int)RequestTokenState.Unused))
                {
                    consumed = await consume.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
                }

                if (consumed == 0)
                {
                    using var select = Sql.Command(connection, transaction, SelectById).With("@id", tokenId);
                    var stored = await Sql.ReadSingleAsync(select, ReadStored, cancel).ConfigureAwait(false);
                    throw stored is null ? NotFound() : NotRedeemable(stored.Token, now);
                }

                // A refused insert (duplicate serial, existing id) throws, and the transaction rolls the update back.
                await CertificateRows.InsertAsync(connection, transaction, certificate, row, cancel).ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <summary>Sets the SQL and parameters of the page <paramref name="query"/> asks for at <paramref name="now"/> (also used to check the query plans).</summary>
    internal static void BindList(SqliteCommand command, RequestTokenQuery query, DateTimeOffset now)
    {
        // Only constant fragments are appended; every value is a parameter.
        var sql = new StringBuilder("SELECT ").Append(Columns).Append(" FROM request_tokens WHERE 1 = 1");
        command.AndIfSet(sql, "authority_id = @authority_id", "@authority_id", query.AuthorityId);
        command.AndIfSet(sql, "owner_organization = @owner_organization", "@owner_organization", query.OwnerOrganization);

        switch (query.State)
        {
            case null:
                break;
            case RequestTokenState.Unused:
                sql.Append(" AND state = @state AND expires_at > @now");
                command.With("@state", (int)RequestTokenState.Unused).With("@now", Sql.Ticks(now));
                break;
            case RequestTokenState.Expired:
                // Never stored: an unused token at or past its expiry (RequestTokenRecord.StateAt).
                sql.Append(" AND state = @state AND expires_at <= @now");
                command.With("@state", (int)RequestTokenState.Unused).With("@now", Sql.Ticks(now));
                break;
            case { } stored:
                sql.Append(" AND state = @state");
                command.With("@state", (int)stored);
                break;
        }

        if (query.After is not null)
        {
            sql.Append(" AND id > @after");
            command.With("@after", query.After);
        }

        sql.Append(" ORDER BY id LIMIT @limit;");
        command.With("@limit", Math.Max(0, query.Limit));
        command.SetText(sql.ToString());
    }

    private static PkiException CertificateNotFound(string certificateId) =>
        new(PkiErrorCode.CertificateNotFound, $"The request token's CertificateId '{certificateId}' names no certificate in this store.");

    private static PkiException NotFound() =>
        new(PkiErrorCode.TokenNotFound, "The request token does not exist. Check that it was not mistyped.");

    private static PkiException NotRedeemable(RequestTokenRecord token, DateTimeOffset now) => token.StateAt(now) switch
    {
        RequestTokenState.Used => new PkiException(PkiErrorCode.TokenAlreadyUsed, $"Request token {token.Id} has already been used; tokens are single-use."),
        RequestTokenState.Deleted => new PkiException(PkiErrorCode.TokenDeleted, $"Request token {token.Id} was deleted by an administrator."),
        RequestTokenState.Expired => new PkiException(PkiErrorCode.TokenExpired, $"Request token {token.Id} expired at {token.ExpiresAt:u}."),
        var state => throw new InvalidOperationException($"Request token {token.Id} is {state} at {now:u} but could not be consumed."),
    };

    private static StoredRequestToken ReadStored(SqliteDataReader row) => new(
        new RequestTokenRecord
        {
            Id = row.GetString(0),
            Name = row.GetString(1),
            Authority = new AuthoritySummary(row.GetString(2), row.GetString(3)),
            CommonName = row.NullableString(4),
            Organization = row.NullableString(5),
            OrganizationalUnit = row.NullableString(6),
            ValidityDays = row.NullableInt32(7),
            Profile = row.GetString(8),
            OwnerOrganization = row.NullableString(9),
            CreatedAt = row.Instant(10),
            ExpiresAt = row.Instant(11),
            State = (RequestTokenState)row.GetInt32(12),
            RedeemedAt = row.NullableInstant(13),
            CertificateId = row.NullableString(14),
            DeletedAt = row.NullableInstant(15),
        },
        row.Bytes(16));
}
