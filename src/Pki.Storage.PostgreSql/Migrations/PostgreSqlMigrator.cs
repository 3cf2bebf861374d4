using Npgsql;
using NpgsqlTypes;

namespace Pki.Storage.PostgreSql.Migrations;

/// <summary>
/// Applies <see cref="PostgreSqlMigration.All"/> that a database lacks. Each migration runs in its own transaction that
/// first takes a transaction-scoped advisory lock for the schema (<c>pg_advisory_xact_lock</c>), so hosts starting at
/// the same time apply each migration exactly once: the others wait, then see it recorded and skip it.
/// </summary>
internal static class PostgreSqlMigrator
{
    public static async Task MigrateAsync(PostgreSqlDatabase db, CancellationToken cancellationToken)
    {
        string migrations = db.Table("pki_schema_migrations");
        await using var connection = await db.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var migration in PostgreSqlMigration.All)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var command = new NpgsqlCommand(
                "SELECT pg_advisory_xact_lock(hashtext('pki_schema_migrations:' || coalesce(@schema, current_schema())))", connection, transaction))
            {
                command.Parameters.Add(new NpgsqlParameter("schema", NpgsqlDbType.Text) { Value = (object?)db.Schema ?? DBNull.Value });
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await ExecuteAsync(connection, transaction, $"""
                CREATE TABLE IF NOT EXISTS {migrations} (
                    version     integer PRIMARY KEY,
                    name        text NOT NULL,
                    applied_at  timestamptz NOT NULL DEFAULT now()
                )
                """, cancellationToken).ConfigureAwait(false);

            int newest;
            await using (var command = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {migrations}", connection, transaction))
            {
                newest = (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            int known = PostgreSqlMigration.All[^1].Version;
            if (newest > known)
            {
                throw new InvalidOperationException(
                    $"The PostgreSQL schema is at version {newest}, newer than this Pki.Storage.PostgreSql knows ({known}); upgrade the package on every host.");
            }

            bool applied;
            await using (var command = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {migrations} WHERE version = @version)", connection, transaction))
            {
                command.Parameters.Add(new NpgsqlParameter<int>("version", migration.Version));
                applied = (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            if (!applied)
            {
                await ExecuteAsync(connection, transaction, migration.Sql(db), cancellationToken).ConfigureAwait(false);
                await using var record = new NpgsqlCommand($"INSERT INTO {migrations} (version, name) VALUES (@version, @name)", connection, transaction);
                record.Parameters.Add(new NpgsqlParameter<int>("version", migration.Version));
                record.Parameters.Add(new NpgsqlParameter<string>("name", migration.Name));
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
