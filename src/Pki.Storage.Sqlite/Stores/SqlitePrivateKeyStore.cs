using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Pki.Core;

namespace Pki.Storage.Sqlite;

/// <summary>An <see cref="IPrivateKeyStore"/> on the <c>private_keys</c> table; it stores the engine's encrypted blob as given.</summary>
internal sealed class SqlitePrivateKeyStore(SqliteDatabase database) : IPrivateKeyStore
{
    private const string Columns = "id, algorithm, protected_pkcs8, created_at, subject_public_key_sha256";

    private const string Insert =
        "INSERT INTO private_keys (" + Columns + ") VALUES (@id, @algorithm, @protected_pkcs8, @created_at, @subject_public_key_sha256);";

    private const string SelectById = "SELECT " + Columns + " FROM private_keys WHERE id = @id;";

    // The literal x'' matches the partial index's condition, so the lookup reads ix_private_keys_public_key.
    private const string SelectByPublicKeyHash =
        "SELECT " + Columns + " FROM private_keys WHERE subject_public_key_sha256 = @hash AND subject_public_key_sha256 <> x'' ORDER BY id LIMIT 1;";

    private const string SelectFirstPage = "SELECT " + Columns + " FROM private_keys ORDER BY id LIMIT @limit;";

    private const string SelectPageAfter = "SELECT " + Columns + " FROM private_keys WHERE id > @after ORDER BY id LIMIT @limit;";

    private const string Replace =
        "UPDATE private_keys SET protected_pkcs8 = @new WHERE id = @id AND protected_pkcs8 = @expected;";

    // One statement in a BEGIN IMMEDIATE transaction: the write lock is held while "unreferenced" is checked and the key
    // deleted, so a reference committed before it keeps the key and none can be committed in between.
    private const string DeleteUnreferenced =
        "DELETE FROM private_keys WHERE id IN (SELECT k.id FROM private_keys k WHERE k.subject_public_key_sha256 = x'' "
        + "AND k.created_at < @created_before "
        + "AND NOT EXISTS (SELECT 1 FROM authorities a WHERE a.key_id = k.id OR a.alternative_key_id = k.id) "
        + "AND NOT EXISTS (SELECT 1 FROM ocsp_responders o WHERE o.key_id = k.id) "
        + "AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.private_key_id = k.id) LIMIT @limit);";

    private const string Exists = "SELECT EXISTS (SELECT 1 FROM private_keys WHERE id = @id);";

    public ValueTask<int> PurgeUnreferencedAsync(PrivateKeyPurge purge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(purge);
        ArgumentOutOfRangeException.ThrowIfLessThan(purge.Limit, 1, nameof(purge));
        return database.WriteAsync(
            async (connection, transaction, token) =>
            {
                using var command = Sql.Command(connection, transaction, DeleteUnreferenced)
                    .With("@created_before", Sql.Ticks(purge.CreatedBefore))
                    .With("@limit", purge.Limit);
                return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public ValueTask AddAsync(StoredPrivateKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        StoreInputRules.ThrowIfNotStorable(key);
        return database.WriteAsync(
            async (connection, transaction, token) =>
            {
                using var command = Sql.Command(connection, transaction, Insert)
                    .With("@id", key.Id)
                    .With("@algorithm", (int)key.Algorithm)
                    .With("@protected_pkcs8", key.ProtectedPkcs8.ToArray())
                    .With("@created_at", Sql.Ticks(key.CreatedAt))
                    .With("@subject_public_key_sha256", key.EscrowIndex.ToArray());
                try
                {
                    await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }
                catch (SqliteException ex) when (SqliteErrors.IsUniqueViolation(ex))
                {
                    throw new PkiException(PkiErrorCode.Conflict, $"A key with id '{key.Id}' already exists.", ex);
                }
            },
            cancellationToken);
    }

    public async ValueTask<StoredPrivateKey?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!StoreInputRules.IsStorable(id))
        {
            return null;
        }

        using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = Sql.Command(connection, null, SelectById).With("@id", id);
        return await Sql.ReadSingleAsync(command, Read, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<StoredPrivateKey?> FindByEscrowIndexAsync(ReadOnlyMemory<byte> escrowIndex, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (escrowIndex.IsEmpty)
        {
            return null;
        }

        using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = Sql.Command(connection, null, SelectByPublicKeyHash).With("@hash", escrowIndex.ToArray());
        return await Sql.ReadSingleAsync(command, Read, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<StoredPrivateKey> ListAsync(PrivateKeyQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        StoreInputRules.ThrowIfNotStorable(query);
        cancellationToken.ThrowIfCancellationRequested(); // also when no key matches
        List<StoredPrivateKey> page;
        using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            using var command = query.After is null
                ? Sql.Command(connection, null, SelectFirstPage)
                : Sql.Command(connection, null, SelectPageAfter).With("@after", query.After);
            command.With("@limit", Math.Max(0, query.Limit));
            page = await Sql.ReadListAsync(command, Read, cancellationToken).ConfigureAwait(false);
        }

        foreach (var key in page)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }
    }

    public ValueTask ReplaceProtectedKeyAsync(string id, ReadOnlyMemory<byte> expectedProtectedPkcs8, ReadOnlyMemory<byte> protectedPkcs8, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!StoreInputRules.IsStorable(id))
        {
            throw new PkiException(PkiErrorCode.PrivateKeyNotFound, "No key has an id with U+0000 or an unpaired surrogate.");
        }

        return database.WriteAsync(
            async (connection, transaction, token) =>
            {
                using (var update = Sql.Command(connection, transaction, Replace)
                    .With("@id", id)
                    .With("@expected", expectedProtectedPkcs8.ToArray())
                    .With("@new", protectedPkcs8.ToArray()))
                {
                    if (await update.ExecuteNonQueryAsync(token).ConfigureAwait(false) == 1)
                    {
                        return;
                    }
                }

                // Nothing changed: either the key is gone or its bytes moved on (compare-and-set lost).
                using var exists = Sql.Command(connection, transaction, Exists).With("@id", id);
                bool found = Convert.ToInt64(await exists.ExecuteScalarAsync(token).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) != 0;
                throw found
                    ? new PkiException(PkiErrorCode.ConcurrencyConflict, $"The key '{id}' was changed concurrently.")
                    : new PkiException(PkiErrorCode.PrivateKeyNotFound, $"The key '{id}' does not exist.");
            },
            cancellationToken);
    }

    private static StoredPrivateKey Read(SqliteDataReader row) =>
        new(row.GetString(0), (KeyAlgorithm)row.GetInt32(1), row.Bytes(2), row.Instant(3))
        {
            EscrowIndex = row.Bytes(4),
        };
}
