using Npgsql;
using Pki.Core;

namespace Pki.Storage.PostgreSql;

/// <summary>An <see cref="IPrivateKeyStore"/> over <c>pki_private_keys</c>; it holds only the engine's encrypted PKCS#8 blobs.</summary>
internal sealed class PostgreSqlPrivateKeyStore(PostgreSqlDatabase db) : IPrivateKeyStore
{
    private readonly string _table = db.Table("pki_private_keys");

    public async ValueTask AddAsync(StoredPrivateKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"INSERT INTO {_table} (id, algorithm, protected_pkcs8, created_at) VALUES (@id, @algorithm, @protected_pkcs8, @created_at)", connection);
        command.AddText("id", key.Id);
        command.AddInteger("algorithm", (int)key.Algorithm);
        command.AddBytes("protected_pkcs8", key.ProtectedPkcs8.Span);
        command.AddBigint("created_at", PostgreSqlTime.ToTicks(key.CreatedAt));
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.IsUniqueViolation())
        {
            throw new PkiException(PkiErrorCode.Conflict, $"A key with id '{key.Id}' already exists.", e);
        }
    }

    public async ValueTask<StoredPrivateKey?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT id, algorithm, protected_pkcs8, created_at FROM {_table} WHERE id = @id", connection);
        command.AddText("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new StoredPrivateKey(reader.Text("id"), (KeyAlgorithm)reader.Integer("algorithm"), reader.Bytes("protected_pkcs8"), reader.Instant("created_at"))
            : null;
    }
}
