using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;

namespace Pki.Storage.Sqlite;

/// <summary>One schema change: a numbered SQL script embedded from <c>Migrations/NNNN_name.sql</c>.</summary>
/// <param name="Version">The number; applied in ascending order, each once.</param>
/// <param name="Name">The file name without the number, for the <c>schema_migrations</c> table.</param>
/// <param name="Sql">The script.</param>
internal sealed record SqliteMigration(int Version, string Name, string Sql);

/// <summary>
/// Creates and upgrades the schema. Each migration runs in its own <c>BEGIN IMMEDIATE</c> transaction that first
/// re-checks <c>schema_migrations</c>: when two processes start at once, the second waits for the first's write lock,
/// then finds the version recorded and skips it. A failing migration rolls back whole.
/// </summary>
internal static class SqliteMigrator
{
    private const string ResourcePrefix = "Pki.Storage.Sqlite.Migrations.";

    private const string CreateHistory = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version     INTEGER NOT NULL PRIMARY KEY,
            name        TEXT    NOT NULL,
            applied_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        ) STRICT;
        """;

    /// <summary>Every migration this version of the library knows, in order.</summary>
    public static IReadOnlyList<SqliteMigration> All { get; } = Load();

    /// <summary>Switches the file to WAL and applies every migration not yet recorded.</summary>
    public static async ValueTask MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using (var journal = connection.CreateCommand())
        {
            // Persistent in the file; needs no transaction. The busy timeout covers a concurrent process doing the same.
            journal.CommandText = "PRAGMA journal_mode = WAL;";
            await journal.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }

        using (var transaction = connection.BeginTransaction(deferred: false))
        {
            using var create = Command(connection, transaction, CreateHistory);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            transaction.Commit();
        }

        foreach (var migration in All)
        {
            await ApplyAsync(connection, migration, cancellationToken).ConfigureAwait(false);
        }
    }

    [SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Migration scripts are resources of this assembly; no user data.")]
    private static async ValueTask ApplyAsync(SqliteConnection connection, SqliteMigration migration, CancellationToken cancellationToken)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        using (var check = Command(connection, transaction, "SELECT COUNT(*) FROM schema_migrations WHERE version = @version;"))
        {
            check.Parameters.AddWithValue("@version", migration.Version);
            if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0)
            {
                return;
            }
        }

        using (var apply = Command(connection, transaction, migration.Sql))
        {
            await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        using (var record = Command(connection, transaction, "INSERT INTO schema_migrations (version, name) VALUES (@version, @name);"))
        {
            record.Parameters.AddWithValue("@version", migration.Version);
            record.Parameters.AddWithValue("@name", migration.Name);
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        transaction.Commit();
    }

    [SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Callers pass constant SQL or embedded migration scripts.")]
    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static List<SqliteMigration> Load()
    {
        var assembly = typeof(SqliteMigrator).Assembly;
        var migrations = new List<SqliteMigration>();
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            string file = resource[ResourcePrefix.Length..^".sql".Length];
            int underscore = file.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(file.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out int version))
            {
                throw new InvalidOperationException($"Migration resource '{resource}' is not named NNNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Migration resource '{resource}' cannot be read.");
            using var reader = new StreamReader(stream);
            migrations.Add(new SqliteMigration(version, file[(underscore + 1)..], reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (int i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"Migrations must be numbered 1, 2, 3 … without gaps or duplicates; found {migrations[i].Version} at position {i + 1}.");
            }
        }

        return migrations;
    }
}
