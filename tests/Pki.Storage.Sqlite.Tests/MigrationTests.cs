using Microsoft.Data.Sqlite;
using Pki.Storage.Sqlite.Tests.TestSupport;

namespace Pki.Storage.Sqlite.Tests;

public sealed class MigrationTests : IDisposable
{
    private readonly TempDatabase _file = new();

    [Fact]
    public void Migrations_are_numbered_from_one_without_gaps_one_per_store_contract()
    {
        Assert.Equal(Enumerable.Range(1, SqliteMigrator.All.Count), SqliteMigrator.All.Select(m => m.Version));
        Assert.Equal(["authorities", "certificates", "private_keys", "request_tokens", "audit_events", "revocation", "private_key_public_hash", "authority_alternative_key", "tidy", "serial_index", "status_change_sequence", "status_change_triggers", "authority_delta_crl"],
            SqliteMigrator.All.Select(m => m.Name));
    }

    [Fact]
    public async Task A_new_file_gets_every_migration_recorded_once_and_a_second_start_applies_nothing()
    {
        using (var first = _file.Open())
        {
            await first.EnsureMigratedAsync(CancellationToken.None);
        }

        using (var second = _file.Open())
        {
            await second.EnsureMigratedAsync(CancellationToken.None);
        }

        Assert.Equal(SqliteMigrator.All.Select(m => (long)m.Version), AppliedVersions());
    }

    [Fact]
    public async Task Concurrent_start_up_on_one_file_applies_each_migration_exactly_once()
    {
        // Separate database objects have separate in-process gates, so only SQLite's write lock and the re-check of
        // schema_migrations inside each migration's transaction keep them apart, as between two processes.
        var databases = Enumerable.Range(0, 8).Select(_ => _file.Open()).ToList();
        try
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var starts = databases.Select(database => Task.Run(async () =>
            {
                await start.Task;
                await database.EnsureMigratedAsync(CancellationToken.None);
            })).ToList();
            start.SetResult();
            await Task.WhenAll(starts);
        }
        finally
        {
            databases.ForEach(d => d.Dispose());
        }

        Assert.Equal(SqliteMigrator.All.Select(m => (long)m.Version), AppliedVersions());
    }

    [Fact]
    public async Task The_file_is_in_WAL_mode_and_store_connections_enforce_foreign_keys_and_wait_when_busy()
    {
        using var database = _file.Open(TimeSpan.FromMilliseconds(1234));
        using var connection = await database.OpenAsync(CancellationToken.None);

        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode;"));
        Assert.Equal(1L, Scalar(connection, "PRAGMA foreign_keys;"));
        Assert.Equal(1234L, Scalar(connection, "PRAGMA busy_timeout;"));
        Assert.Equal(2, connection.DefaultTimeout); // Microsoft.Data.Sqlite's own busy retry, rounded up to seconds
        Assert.Equal(2L, await WriterScalarAsync(database, "PRAGMA synchronous;")); // FULL: every commit reaches the disk
    }

    [Fact]
    public async Task Durability_Normal_flushes_at_checkpoints_only()
    {
        using var database = new SqliteDatabase(SqliteDatabase.Settings(_file.ConnectionString, new SqliteStorageOptions { Durability = SqliteDurability.Normal }));

        Assert.Equal(1L, await WriterScalarAsync(database, "PRAGMA synchronous;")); // the setting of the connection that commits
    }

    [Fact]
    public async Task The_writer_keeps_savepoint_journals_in_memory()
    {
        using var database = _file.Open();

        Assert.Equal(2L, await WriterScalarAsync(database, "PRAGMA temp_store;")); // MEMORY: no temporary file per batch
    }

    [Fact]
    public async Task Serial_numbers_have_one_unique_index_that_leads_with_the_serial_number()
    {
        using var database = _file.Open();
        await database.EnsureMigratedAsync(CancellationToken.None);
        using var raw = _file.OpenRaw();
        using var command = raw.CreateCommand();
        command.CommandText = "SELECT name, \"unique\" FROM pragma_index_list('certificates') WHERE name IN (SELECT index_name FROM (SELECT il.name AS index_name, ii.name AS column_name FROM pragma_index_list('certificates') il, pragma_index_info(il.name) ii) WHERE column_name = 'serial_number');";
        var indexes = new List<(string Name, long Unique)>();
        using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                indexes.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        Assert.Equal([("ux_certificates_serial_authority", 1L)], indexes);
    }

    [Fact]
    public async Task The_tidy_migration_carries_the_latest_CRLs_of_an_older_file_into_the_history()
    {
        // A file as version 8 left it: every earlier migration applied and recorded, one latest CRL stored.
        CreateFileBefore("tidy", "INSERT INTO crls VALUES ('ca', 0, 7, NULL, 1, 2, 1, 0, x'30');");

        using var database = _file.Open();
        var revocation = new SqliteRevocationStore(database);
        await revocation.SaveCrlAsync(new Pki.Core.CertificateRevocationList
        {
            AuthorityId = "ca", Number = 8, ThisUpdate = DateTimeOffset.UnixEpoch, NextUpdate = DateTimeOffset.UnixEpoch, CreatedAt = DateTimeOffset.UnixEpoch, EntryCount = 0, Der = new byte[] { 0x30 },
        }, CancellationToken.None);

        Assert.Equal(SqliteMigrator.All.Select(m => (long)m.Version), AppliedVersions());
        Assert.Equal(1, await revocation.PurgeCrlsAsync(DateTimeOffset.MaxValue, 10, CancellationToken.None)); // number 7, carried over and superseded
        Assert.Equal(8, (await revocation.GetLatestCrlAsync("ca", delta: false, CancellationToken.None))!.Number);
    }

    [Fact]
    public async Task The_sequence_migration_numbers_earlier_changes_so_that_no_earlier_CRL_counts_as_reflecting_them()
    {
        // A file as version 10 left it: a revoked certificate (changed before numbers existed) and the CRL listing it.
        CreateFileBefore("status_change_sequence", new System.Text.StringBuilder("INSERT INTO certificates (id, authority_id, authority_name, serial_number, fingerprint_sha256, status, type, issued_on, expires_on, ")
                .Append("subject, subject_alternative_names, certificate_pem, validity_days, subject_key_identifier, signature_algorithm, profile, ")
                .Append("public_key_algorithm, public_key_size, revoked_at, revocation_reason, status_changed_at) VALUES ")
                .Append("('revoked', 'ca', 'CA', x'01', 'ff', 3, 2, 1, 3000000000000000000, '[]', '{}', 'pem', 30, 'ski', 'alg', 'client', 'EC', 256, 5, 1, 5),")
                .Append("('untouched', 'ca', 'CA', x'02', 'fe', 1, 2, 1, 3000000000000000000, '[]', '{}', 'pem', 30, 'ski', 'alg', 'client', 'EC', 256, NULL, NULL, NULL),")
                .Append("('held-undated', 'ca', 'CA', x'03', 'fd', 2, 2, 1, 3000000000000000000, '[]', '{}', 'pem', 30, 'ski', 'alg', 'client', 'EC', 256, 5, 6, NULL);")
                .Append("INSERT INTO crls VALUES ('ca', 0, 7, NULL, 1, 2, 1, 1, x'30');").ToString());

        using var database = _file.Open();
        var revocation = new SqliteRevocationStore(database);
        await database.EnsureMigratedAsync(CancellationToken.None);

        Assert.Equal(0, (await revocation.GetLatestCrlAsync("ca", delta: false, CancellationToken.None))!.ChangesThrough);
        Assert.Equal(1, await revocation.GetLastChangeSequenceAsync("ca", CancellationToken.None));
        var changed = new List<Pki.Core.RevocationEntry>();
        await foreach (var entry in revocation.ListEntriesAsync(new Pki.Core.RevocationEntryQuery { AuthorityId = "ca", ChangedAfter = 0 }, CancellationToken.None))
        {
            changed.Add(entry);
        }

        // Not active but never stamped (possible before): numbered too, so that CRLs can drop it once it expires.
        Assert.Equal([("held-undated", 1L), ("revoked", 1L)], changed.Select(e => (e.CertificateId, e.ChangeSequence)).OrderBy(e => e.CertificateId, StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_status_change_written_without_a_number_by_an_older_process_is_numbered()
    {
        using var database = _file.Open();
        await database.EnsureMigratedAsync(CancellationToken.None);
        var revocation = new SqliteRevocationStore(database);
        using (var raw = _file.OpenRaw())
        {
            using var command = raw.CreateCommand();
            // A certificate stored active, then the UPDATE of a version before 0011 (which knew no numbers).
            command.CommandText =
                "INSERT INTO certificates (id, authority_id, authority_name, serial_number, fingerprint_sha256, status, type, issued_on, expires_on, "
                + "subject, subject_alternative_names, certificate_pem, validity_days, subject_key_identifier, signature_algorithm, profile, "
                + "public_key_algorithm, public_key_size) VALUES ('leaf', 'ca', 'CA', x'01', 'ff', 1, 2, 1, 3000000000000000000, '[]', '{}', "
                + "'pem', 30, 'ski', 'alg', 'client', 'EC', 256);"
                + "UPDATE certificates SET status = 3, revocation_reason = 1, revoked_at = 5, invalidity_date = NULL, revocation_comment = NULL, "
                + "status_changed_at = 5 WHERE id = 'leaf' AND status = 1;";
            command.ExecuteNonQuery();
        }

        Assert.Equal(1, await revocation.GetLastChangeSequenceAsync("ca", CancellationToken.None));
        var changed = new List<Pki.Core.RevocationEntry>();
        await foreach (var entry in revocation.ListEntriesAsync(new Pki.Core.RevocationEntryQuery { AuthorityId = "ca", ChangedAfter = 0 }, CancellationToken.None))
        {
            changed.Add(entry);
        }

        Assert.Equal(("leaf", 1L), (Assert.Single(changed).CertificateId, changed[0].ChangeSequence));
    }

    [Fact]
    public async Task A_used_token_cannot_point_at_a_missing_certificate()
    {
        using var database = _file.Open();
        var error = await Assert.ThrowsAsync<SqliteException>(async () => await database.WriteAsync(
            async (connection, transaction, cancellationToken) =>
            {
                using var command = Sql.Command(connection, transaction,
                    "INSERT INTO request_tokens (id, secret_hash, name, authority_id, authority_name, profile, created_at, expires_at, state, redeemed_at, certificate_id) "
                    + "VALUES ('t', x'00', 'n', 'a', 'A', 'client', 0, 1, 1, 0, 'no-such-certificate');");
                await command.ExecuteNonQueryAsync(cancellationToken);
            },
            CancellationToken.None));

        Assert.Equal(19, error.SqliteErrorCode); // SQLITE_CONSTRAINT (FOREIGN KEY, checked at commit)
    }

    private List<long> AppliedVersions()
    {
        using var connection = _file.OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_migrations ORDER BY version;";
        using var reader = command.ExecuteReader();
        var versions = new List<long>();
        while (reader.Read())
        {
            versions.Add(reader.GetInt64(0));
        }

        return versions;
    }

    /// <summary>Runs <paramref name="sql"/> on the connection writes commit through (the group-commit writer's).</summary>
    /// <summary>Writes a file as the migrations before <paramref name="migrationName"/> left it, then runs <paramref name="data"/> on it.</summary>
    private void CreateFileBefore(string migrationName, string data)
    {
        using var raw = _file.OpenRaw();
        var older = SqliteMigrator.All.Where(m => m.Version < SqliteMigrator.All.Single(t => t.Name == migrationName).Version);
        var sql = new System.Text.StringBuilder("CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT 'x') STRICT;");
        foreach (var migration in older)
        {
            sql.Append(migration.Sql).Append(";INSERT INTO schema_migrations (version, name) VALUES (").Append(migration.Version).Append(", '").Append(migration.Name).Append("');");
        }

        using var command = raw.CreateCommand();
        command.CommandText = sql.Append(data).ToString();
        command.ExecuteNonQuery();
    }

    private static async Task<object?> WriterScalarAsync(SqliteDatabase database, string sql) => await database.WriteAsync(
        (connection, transaction, token) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            return ValueTask.FromResult(command.ExecuteScalar());
        },
        CancellationToken.None);

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void Dispose() => _file.Dispose();
}
