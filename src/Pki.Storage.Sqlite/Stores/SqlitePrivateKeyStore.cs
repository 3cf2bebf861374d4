using Microsoft.Data.Sqlite;
using Pki.Core;

namespace Pki.Storage.Sqlite;

/// <summary>An <see cref="IPrivateKeyStore"/> on the <c>private_keys</c> table; it stores the engine's encrypted blob as given.</summary>
internal sealed class SqlitePrivateKeyStore(SqliteDatabase database) : IPrivateKeyStore
{
    private const string Insert =
        "INSERT INTO private_keys (id, algorithm, protected_pkcs8, created_at) VALUES (@id, @algorithm, @protected_pkcs8, @created_at);";

    private const string SelectById = "SELECT id, algorithm, protected_pkcs8, created_at FROM private_keys WHERE id = @id;";

    public ValueTask AddAsync(StoredPrivateKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return database.WriteAsync(
            async (connection, transaction, token) =>
            {
                using var command = Sql.Command(connection, transaction, Insert)
                    .With("@id", key.Id)
                    .With("@algorithm", (int)key.Algorithm)
                    .With("@protected_pkcs8", key.ProtectedPkcs8.ToArray())
                    .With("@created_at", Sql.Ticks(key.CreatedAt));
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
        using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = Sql.Command(connection, null, SelectById).With("@id", id);
        return await Sql.ReadSingleAsync(
            command,
            row => new StoredPrivateKey(row.GetString(0), (KeyAlgorithm)row.GetInt32(1), row.Bytes(2), row.Instant(3)),
            cancellationToken).ConfigureAwait(false);
    }
}
