using System.Runtime.CompilerServices;
using Npgsql;
using Pki.Core;

namespace Pki.Storage.PostgreSql;

/// <summary>An <see cref="IPrivateKeyStore"/> over <c>pki_private_keys</c>; it holds only the engine's encrypted PKCS#8 blobs.</summary>
internal sealed class PostgreSqlPrivateKeyStore(PostgreSqlDatabase db) : IPrivateKeyStore
{
    private readonly string _table = db.Table("pki_private_keys");

    /// <remarks>
    /// One statement in one transaction: the "unreferenced" checks run in the statement that deletes. Under READ COMMITTED a
    /// reference committed while that statement runs may not be seen; references are only ever stored for a key just
    /// created, which the grace period (<see cref="PrivateKeyPurge.CreatedBefore"/>) keeps.
    /// </remarks>
    public async ValueTask<int> PurgeUnreferencedAsync(PrivateKeyPurge purge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(purge);
        ArgumentOutOfRangeException.ThrowIfLessThan(purge.Limit, 1, nameof(purge));
        await using var lease = await db.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await lease.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"DELETE FROM {_table} WHERE id IN (SELECT k.id FROM {_table} k WHERE k.subject_public_key_sha256 = ''::bytea "
            + "AND k.created_at < @created_before "
            + $"AND NOT EXISTS (SELECT 1 FROM {db.Table("pki_authorities")} a WHERE a.key_id = k.id OR a.alternative_key_id = k.id) "
            + $"AND NOT EXISTS (SELECT 1 FROM {db.Table("pki_ocsp_responders")} o WHERE o.key_id = k.id) "
            + $"AND NOT EXISTS (SELECT 1 FROM {db.Table("pki_certificates")} c WHERE c.private_key_id = k.id) LIMIT @limit FOR UPDATE SKIP LOCKED)",
            lease.Connection,
            transaction);
        command.AddBigint("created_before", PostgreSqlTime.ToTicks(purge.CreatedBefore));
        command.AddInteger("limit", purge.Limit);
        int removed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await lease.CommitAsync(transaction, cancellationToken).ConfigureAwait(false);
        return removed;
    }

    public async ValueTask AddAsync(StoredPrivateKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        StoreInputRules.ThrowIfNotStorable(key);
        await using var lease = await db.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"INSERT INTO {_table} (id, algorithm, protected_pkcs8, created_at, subject_public_key_sha256) VALUES (@id, @algorithm, @protected_pkcs8, @created_at, @spki_hash)", lease.Connection);
        command.AddText("id", key.Id);
        command.AddInteger("algorithm", (int)key.Algorithm);
        command.AddBytes("protected_pkcs8", key.ProtectedPkcs8.Span);
        command.AddBigint("created_at", PostgreSqlTime.ToTicks(key.CreatedAt));
        command.AddBytes("spki_hash", key.EscrowIndex.Span);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await lease.CompleteAsync().ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.IsUniqueViolation())
        {
            throw new PkiException(PkiErrorCode.Conflict, $"A key with id '{key.Id}' already exists.", e);
        }
    }

    public async ValueTask<StoredPrivateKey?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!StoreInputRules.IsStorable(id))
        {
            return null;
        }

        return await SingleAsync($"SELECT {Columns} FROM {_table} WHERE id = @id", c => c.AddText("id", id), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<StoredPrivateKey?> FindByEscrowIndexAsync(ReadOnlyMemory<byte> escrowIndex, CancellationToken cancellationToken)
    {
        if (escrowIndex.IsEmpty)
        {
            return null;
        }

        return await SingleAsync(
            $"SELECT {Columns} FROM {_table} WHERE subject_public_key_sha256 = @hash AND subject_public_key_sha256 <> ''::bytea ORDER BY id LIMIT 1",
            c => c.AddBytes("hash", escrowIndex.Span),
            cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<StoredPrivateKey> ListAsync(PrivateKeyQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        StoreInputRules.ThrowIfNotStorable(query);
        await using var lease = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM {_table} WHERE (@after IS NULL OR id > @after) ORDER BY id LIMIT @limit", lease.Connection);
        command.AddText("after", query.After);
        command.AddInteger("limit", Math.Max(0, query.Limit));
        await foreach (var key in PostgreSqlQueries.ReadAllAsync(lease, command, Read, cancellationToken).ConfigureAwait(false))
        {
            yield return key;
        }
    }

    public async ValueTask ReplaceProtectedKeyAsync(string id, ReadOnlyMemory<byte> expectedProtectedPkcs8, ReadOnlyMemory<byte> protectedPkcs8, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!StoreInputRules.IsStorable(id))
        {
            throw new PkiException(PkiErrorCode.PrivateKeyNotFound, "No key has an id with U+0000 or an unpaired surrogate.");
        }

        await using (var lease = await db.OpenForWriteAsync(cancellationToken).ConfigureAwait(false))
        await using (var command = new NpgsqlCommand(
            $"UPDATE {_table} SET protected_pkcs8 = @new WHERE id = @id AND protected_pkcs8 = @expected", lease.Connection))
        {
            command.AddText("id", id);
            command.AddBytes("expected", expectedProtectedPkcs8.Span);
            command.AddBytes("new", protectedPkcs8.Span);
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
            {
                await lease.CompleteAsync().ConfigureAwait(false);
                return;
            }
        }

        // Nothing changed: either the key is gone or its bytes moved on (compare-and-set lost). Read once the write's
        // lease ended (inside a store transaction, the read needs the connection it held).
        throw await GetAsync(id, cancellationToken).ConfigureAwait(false) is null
            ? new PkiException(PkiErrorCode.PrivateKeyNotFound, $"The key '{id}' does not exist.")
            : new PkiException(PkiErrorCode.ConcurrencyConflict, $"The key '{id}' was changed concurrently.");
    }

    private const string Columns = "id, algorithm, protected_pkcs8, created_at, subject_public_key_sha256";

    private async ValueTask<StoredPrivateKey?> SingleAsync(string sql, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        await using var lease = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, lease.Connection);
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    private static StoredPrivateKey Read(NpgsqlDataReader reader) =>
        new(reader.Text("id"), (KeyAlgorithm)reader.Integer("algorithm"), reader.Bytes("protected_pkcs8"), reader.Instant("created_at"))
        {
            EscrowIndex = reader.Bytes("subject_public_key_sha256"),
        };
}
