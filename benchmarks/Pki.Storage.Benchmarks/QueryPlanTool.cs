using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pki.Core;
using Pki.Core.DependencyInjection;
using Pki.Storage.PostgreSql;
using Pki.Storage.Sqlite;

namespace Pki.Storage.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/Pki.Storage.Benchmarks -- plans [rows] [sqlite|postgresql]</c>: fills the
/// certificates table of a SQLite file and of a throwaway PostgreSQL cluster (PKI_PG_BIN) with <c>rows</c> certificates
/// (1,000,000 by default), runs ANALYZE, then for each query shape the stores serve prints the plan of exactly the SQL
/// the store runs and times the first page through the real store API.
/// </summary>
/// <remarks>
/// Rows are clones of one certificate issued through the API, with what the queries look at varied: time-ordered ids
/// (UUIDv7 layout, as the engine makes them), issuance spread evenly over the last two years, 90-day validity (every
/// tenth: 365 days), four issuing CAs, 2 % revoked and 0.5 % on hold. SQLite plans: <c>EXPLAIN QUERY PLAN</c> of the
/// command the store's own <c>BindQuery</c>/<c>BindEntries</c> build (internal, called by reflection). PostgreSQL plans:
/// <c>auto_explain</c> (analyze, buffers) loaded into the sessions of a second host, so the plan printed is the one of
/// the statement the store sent, with its parameters.
/// </remarks>
internal static class QueryPlanTool
{
    private const int Warm = 5;
    private static readonly byte[] KeyEncryptionKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly TimeSpan Span = TimeSpan.FromDays(730);

    private sealed record Shape(string Name, CertificateQuery? Certificates, RevocationEntryQuery? Entries);

    private sealed record Outcome(string Store, string Shape, string Plan, bool FullScan, int Rows, double ColdMs, double WarmMs);

    private sealed record Filled(IServiceProvider Provider, string[] Authorities, DateTimeOffset Now);

    public static async Task<int> RunAsync(int rows, string[] stores)
    {
        bool sqlite = stores.Length == 0 || stores.Contains("sqlite", StringComparer.OrdinalIgnoreCase);
        bool postgres = stores.Length == 0 || stores.Contains("postgresql", StringComparer.OrdinalIgnoreCase);
        Console.WriteLine($"# Query plans over {rows:N0} certificates");
        Console.WriteLine($"{RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, {Environment.ProcessorCount} logical CPUs, SQLite {SqliteVersion()}");
        var outcomes = new List<Outcome>();
        if (sqlite)
        {
            outcomes.AddRange(await SqliteAsync(rows));
        }

        if (postgres)
        {
            if (ThrowawayPostgreSql.BinDirectory is null)
            {
                Console.WriteLine("\nPostgreSQL skipped: PKI_PG_BIN is not set (ls -d /usr/lib/postgresql/*/bin).");
            }
            else
            {
                outcomes.AddRange(await PostgreSqlAsync(rows));
            }
        }

        Console.WriteLine($"\n## Summary ({rows:N0} rows; first page = up to 100 rows, CRL lists are unpaged; warm = median of {Warm})\n");
        Console.WriteLine("| store | query | plan | rows | cold ms | warm ms |");
        Console.WriteLine("|---|---|---|---:|---:|---:|");
        foreach (var o in outcomes)
        {
            Console.WriteLine(FormattableString.Invariant($"| {o.Store} | {o.Shape} | {(o.FullScan ? "**FULL SCAN** " : string.Empty)}{o.Plan} | {o.Rows:N0} | {o.ColdMs:F1} | {o.WarmMs:F2} |"));
        }

        return 0;
    }

    /// <summary>The rows' status-change sequence numbers are their row numbers: a delta CRL whose base reflects all but the
    /// last 1 % of the rows reads the changes among those.</summary>
    private static long DeltaBaseOf(int rows) => rows - (rows / 100);

    private static IReadOnlyList<Shape> Shapes(string ca, DateTimeOffset now, long deltaBase) =>
    [
        new("status = Revoked", new CertificateQuery { Status = CertificateStatus.Revoked }, null),
        new("status = Active", new CertificateQuery { Status = CertificateStatus.Active }, null),
        new("expires in the next 30 days", new CertificateQuery { ExpiresOnOrAfter = now, ExpiresBefore = now.AddDays(30) }, null),
        new("status = Active, expires in the next 30 days", new CertificateQuery { Status = CertificateStatus.Active, ExpiresOnOrAfter = now, ExpiresBefore = now.AddDays(30) }, null),
        new("expired (expires before now)", new CertificateQuery { ExpiresBefore = now }, null),
        new("CA + status = Revoked", new CertificateQuery { AuthorityId = ca, Status = CertificateStatus.Revoked }, null),
        new("CA + status = Active", new CertificateQuery { AuthorityId = ca, Status = CertificateStatus.Active }, null),
        new("CRL entries of a CA (ListEntriesAsync)", null, new RevocationEntryQuery { AuthorityId = ca }),
        new("delta-CRL entries of a CA, changed after its base CRL", null, new RevocationEntryQuery { AuthorityId = ca, ChangedAfter = deltaBase }),
    ];

    // ---------------------------------------------------------------- SQLite

    private static async Task<List<Outcome>> SqliteAsync(int rows)
    {
        string directory = Directory.CreateTempSubdirectory("pki-plans-sqlite-").FullName;
        string file = Path.Combine(directory, "pki.db");
        try
        {
            var services = new ServiceCollection();
            services.AddPki(options => options.KeyEncryptionKey = KeyEncryptionKey).UseSqlite("Data Source=" + file, o => o.Durability = SqliteDurability.Normal);
            await using var provider = services.BuildServiceProvider();
            var (authorities, template, now) = await SeedAsync(provider);

            Console.WriteLine($"\n## SQLite ({file})\n");
            using var connection = new SqliteConnection("Data Source=" + file + ";Pooling=false");
            connection.Open();
            var watch = Stopwatch.StartNew();
            using (var transaction = connection.BeginTransaction())
            using (var fill = connection.CreateCommand())
            {
                fill.Transaction = transaction;
                var columns = new List<string>();
                using (var info = connection.CreateCommand())
                {
                    info.CommandText = "SELECT name FROM pragma_table_info('certificates')";
                    using var reader = info.ExecuteReader();
                    while (reader.Read())
                    {
                        columns.Add(reader.GetString(0));
                    }
                }

                var varied = new Dictionary<string, string>
                {
                    ["id"] = "printf('%012x', @start_ms + n.i * @step_ms) || lower(hex(randomblob(10)))",
                    ["authority_id"] = "CASE (n.i / 3) % 4 WHEN 0 THEN @ca0 WHEN 1 THEN @ca1 WHEN 2 THEN @ca2 ELSE @ca3 END",
                    ["authority_name"] = "CASE (n.i / 3) % 4 WHEN 0 THEN @name0 WHEN 1 THEN @name1 WHEN 2 THEN @name2 ELSE @name3 END",
                    ["serial_number"] = "unhex('01' || hex(randomblob(15)))",
                    ["fingerprint_sha256"] = "lower(hex(randomblob(32)))",
                    ["status"] = "CASE WHEN n.i % 50 = 0 THEN 3 WHEN n.i % 200 = 1 THEN 2 ELSE 1 END",
                    ["issued_on"] = "@start + n.i * @step",
                    ["expires_on"] = "@start + n.i * @step + (CASE WHEN n.i % 10 = 0 THEN 365 ELSE 90 END) * @day",
                    ["validity_days"] = "CASE WHEN n.i % 10 = 0 THEN 365 ELSE 90 END",
                    ["revoked_at"] = "CASE WHEN n.i % 50 = 0 OR n.i % 200 = 1 THEN @start + n.i * @step + @day END",
                    ["revocation_reason"] = "CASE WHEN n.i % 50 = 0 THEN 1 WHEN n.i % 200 = 1 THEN 6 END",
                    ["status_changed_at"] = "CASE WHEN n.i % 50 = 0 OR n.i % 200 = 1 THEN @start + n.i * @step + @day END",
                    ["status_change_sequence"] = "CASE WHEN n.i % 50 = 0 OR n.i % 200 = 1 THEN n.i END",
                    ["csr"] = "NULL",
                };
                fill.CommandText =
                    $"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @rows) "
                    + $"INSERT INTO certificates ({string.Join(", ", columns)}) "
                    + $"SELECT {string.Join(", ", columns.Select(c => varied.TryGetValue(c, out string? e) ? e : "t." + c))} "
                    + "FROM n, (SELECT * FROM certificates WHERE id = @template) AS t";
                BindFill(fill.Parameters, rows, authorities, template, now, (p, name, value) => p.AddWithValue(name, value));
                int inserted = fill.ExecuteNonQuery();
                transaction.Commit();
                Console.WriteLine(FormattableString.Invariant($"Filled {inserted:N0} rows in {watch.Elapsed.TotalSeconds:F1} s (one INSERT … SELECT over a recursive CTE, one transaction)."));
            }

            watch.Restart();
            Execute(connection, "ANALYZE");
            Console.WriteLine(FormattableString.Invariant($"ANALYZE: {watch.Elapsed.TotalSeconds:F1} s; {Scalar(connection, "SELECT count(*) FROM certificates"):N0} rows in certificates; file {new FileInfo(file).Length / 1048576.0:F0} MiB."));

            var bindQuery = StoreMethod("Pki.Storage.Sqlite.SqliteCertificateStore", "BindQuery");
            var bindEntries = StoreMethod("Pki.Storage.Sqlite.SqliteRevocationStore", "BindEntries");
            var outcomes = new List<Outcome>();
            foreach (var shape in Shapes(authorities[0].Id, now, DeltaBaseOf(rows)))
            {
                using var command = connection.CreateCommand();
                if (shape.Certificates is not null)
                {
                    bindQuery.Invoke(null, [command, shape.Certificates]);
                }
                else
                {
                    bindEntries.Invoke(null, [command, shape.Entries]);
                }

                string sql = command.CommandText;
                command.CommandText = "EXPLAIN QUERY PLAN " + sql;
                var plan = new List<string>();
                var depth = new Dictionary<long, int>();
                using (var reader = command.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        int level = depth.TryGetValue(reader.GetInt64(1), out int parent) ? parent + 1 : 0;
                        depth[reader.GetInt64(0)] = level;
                        plan.Add(new string(' ', 2 * level) + reader.GetString(3));
                    }
                }

                var (count, cold, warm) = await TimeAsync(provider, shape);
                bool fullScan = plan.Any(l => l.TrimStart().StartsWith("SCAN certificates", StringComparison.Ordinal) && !l.Contains("USING", StringComparison.Ordinal));
                string summary = string.Join("; ", plan.Select(l => l.Trim()));
                if (plan.Any(l => l.TrimStart().StartsWith("SCAN certificates USING", StringComparison.Ordinal)))
                {
                    plan.Add("(SCAN … USING INDEX: walks that index in order from its start, filtering rows, until the page is full)");
                }
                Report(shape, sql, command.Parameters.Cast<SqliteParameter>().Select(p => $"{p.ParameterName} = {p.Value}"), plan, count, cold, warm);
                outcomes.Add(new Outcome("SQLite", shape.Name, summary, fullScan, count, cold, warm));
            }

            return outcomes;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    // ---------------------------------------------------------------- PostgreSQL

    private static async Task<List<Outcome>> PostgreSqlAsync(int rows)
    {
        // Plans do not depend on durability; a fast fill does.
        using var server = ThrowawayPostgreSql.Start("fsync = off", "synchronous_commit = off", "full_page_writes = off", "maintenance_work_mem = 256MB", "max_wal_size = 4GB");
        string connectionString = server.CreateDatabase("pki");
        var services = new ServiceCollection();
        services.AddPki(options => options.KeyEncryptionKey = KeyEncryptionKey).UsePostgreSql(connectionString);
        await using var provider = services.BuildServiceProvider();
        var (authorities, template, now) = await SeedAsync(provider);

        Console.WriteLine($"\n## PostgreSQL {Scalar(connectionString, "SHOW server_version")} (throwaway cluster, port {server.Port})\n");
        var watch = Stopwatch.StartNew();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            var columns = new List<string>();
            await using (var info = new NpgsqlCommand("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'pki_certificates' ORDER BY ordinal_position", connection))
            await using (var reader = await info.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    columns.Add(reader.GetString(0));
                }
            }

            var varied = new Dictionary<string, string>
            {
                ["id"] = "lpad(to_hex(@start_ms + g * @step_ms), 12, '0') || substr(md5(g::text), 1, 20)",
                ["authority_id"] = "(ARRAY[@ca0, @ca1, @ca2, @ca3])[(g / 3) % 4 + 1]",
                ["authority_name"] = "(ARRAY[@name0, @name1, @name2, @name3])[(g / 3) % 4 + 1]",
                ["serial_number"] = "'\\x01'::bytea || substring(decode(md5('s' || g), 'hex') from 1 for 15)",
                ["fingerprint_sha256"] = "md5('f' || g) || md5('p' || g)",
                ["status"] = "(CASE WHEN g % 50 = 0 THEN 3 WHEN g % 200 = 1 THEN 2 ELSE 1 END)::smallint",
                ["issued_on"] = "@start + g * @step",
                ["expires_on"] = "@start + g * @step + (CASE WHEN g % 10 = 0 THEN 365 ELSE 90 END) * @day",
                ["validity_days"] = "CASE WHEN g % 10 = 0 THEN 365 ELSE 90 END",
                ["revoked_at"] = "CASE WHEN g % 50 = 0 OR g % 200 = 1 THEN @start + g * @step + @day END",
                ["revocation_reason"] = "(CASE WHEN g % 50 = 0 THEN 1 WHEN g % 200 = 1 THEN 6 END)::smallint",
                ["status_changed_at"] = "CASE WHEN g % 50 = 0 OR g % 200 = 1 THEN @start + g * @step + @day END",
                ["status_change_sequence"] = "CASE WHEN g % 50 = 0 OR g % 200 = 1 THEN g END",
                ["csr"] = "NULL",
            };
            await using var fill = new NpgsqlCommand(
                $"INSERT INTO pki_certificates ({string.Join(", ", columns)}) "
                + $"SELECT {string.Join(", ", columns.Select(c => varied.TryGetValue(c, out string? e) ? e : "t." + c))} "
                + "FROM generate_series(1, @rows) AS g CROSS JOIN (SELECT * FROM pki_certificates WHERE id = @template) AS t",
                connection);
            BindFill(fill.Parameters, rows, authorities, template, now, (p, name, value) => p.AddWithValue(name, value));
            int inserted = await fill.ExecuteNonQueryAsync();
            Console.WriteLine(FormattableString.Invariant($"Filled {inserted:N0} rows in {watch.Elapsed.TotalSeconds:F1} s (one INSERT … SELECT over generate_series)."));
            watch.Restart();
            await using (var analyze = new NpgsqlCommand("VACUUM ANALYZE pki_certificates", connection))
            {
                await analyze.ExecuteNonQueryAsync();
            }

            Console.WriteLine(FormattableString.Invariant(
                $"VACUUM ANALYZE: {watch.Elapsed.TotalSeconds:F1} s; {Scalar(connectionString, "SELECT count(*) FROM pki_certificates"):N0} rows; table + indexes {Scalar(connectionString, "SELECT pg_size_pretty(pg_total_relation_size('pki_certificates'))")}."));
        }

        // A second host whose sessions load auto_explain: every statement it sends is logged with its actual plan.
        const string AutoExplain = "-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0 -c auto_explain.log_analyze=on -c auto_explain.log_buffers=on -c auto_explain.log_timing=on";
        var explainServices = new ServiceCollection();
        explainServices.AddPki(options => options.KeyEncryptionKey = KeyEncryptionKey).UsePostgreSql(server.ConnectionString("pki", AutoExplain));
        await using var explainProvider = explainServices.BuildServiceProvider();
        var outcomes = new List<Outcome>();
        foreach (var shape in Shapes(authorities[0].Id, now, DeltaBaseOf(rows)))
        {
            var (count, cold, warm) = await TimeAsync(provider, shape);
            int from = server.Log.Length;
            await RunShapeAsync(explainProvider, shape); // first use of this host runs the migration check too
            await WaitForPlanAsync(server, from);
            from = server.Log.Length;
            await RunShapeAsync(explainProvider, shape);
            string logged = await WaitForPlanAsync(server, from);
            var plan = logged[Math.Max(0, logged.LastIndexOf("Query Text:", StringComparison.Ordinal))..].Split('\n')
                .Select(l => l.TrimEnd())
                .Where(l => l.Length > 0)
                .ToList();
            string sql = plan.Count > 0 ? plan[0].Trim()["Query Text:".Length..].Trim() : "(no plan logged)";
            plan = plan.Skip(1).Select(l => l.StartsWith('\t') ? l[1..] : l).ToList();
            bool fullScan = plan.Any(l => l.Contains("Seq Scan on pki_certificates", StringComparison.Ordinal));
            Report(shape, sql, [], plan, count, cold, warm);
            var nodes = plan.Where(l => l.Contains("(cost=", StringComparison.Ordinal))
                .Select(l => Regex.Replace(l.Trim().TrimStart('-', '>', ' '), @"\s+\(cost=.*$", string.Empty) + Removed(plan, l));
            outcomes.Add(new Outcome("PostgreSQL", shape.Name, string.Join(" → ", nodes), fullScan, count, cold, warm));
        }

        return outcomes;
    }

    /// <summary>" (n removed by filter)" when the node on <paramref name="line"/> read rows it then threw away.</summary>
    private static string Removed(List<string> plan, string line)
    {
        int at = plan.IndexOf(line);
        for (int i = at + 1; i < plan.Count && !plan[i].Contains("(cost=", StringComparison.Ordinal); i++)
        {
            var match = Regex.Match(plan[i], @"Rows Removed by Filter: (\d+)");
            if (match.Success)
            {
                return $" ({long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture):N0} rows removed by filter)";
            }
        }

        return string.Empty;
    }

    private static async Task<string> WaitForPlanAsync(ThrowawayPostgreSql server, int from)
    {
        for (int i = 0; i < 50; i++)
        {
            string log = server.Log[from..];
            int text = log.IndexOf("Query Text:", StringComparison.Ordinal);
            if (text >= 0 && log.IndexOf('\n', text) > 0)
            {
                await Task.Delay(200); // the rest of the message
                return server.Log[from..];
            }

            await Task.Delay(100);
        }

        return string.Empty;
    }

    // ---------------------------------------------------------------- shared

    /// <summary>Four issuing CAs and one certificate issued through the API (the row every filled row is cloned from).</summary>
    private static async Task<(AuthorityRecord[] Authorities, string Template, DateTimeOffset Now)> SeedAsync(IServiceProvider provider)
    {
        var authority = provider.GetRequiredService<ICertificateAuthority>();
        var authorities = new AuthorityRecord[4];
        for (int i = 0; i < authorities.Length; i++)
        {
            authorities[i] = await StoreIssuanceBenchmarks.CreateIssuingCaAsync(authority, "Plans " + i);
        }

        var issued = await provider.GetRequiredService<ICsrSigner>().SignAsync(new SignCsrRequest
        {
            Authority = CaReference.ById(authorities[0].Id),
            Profile = CertificateProfiles.Client,
            CsrPem = StoreIssuanceBenchmarks.NewCsrPem(),
            ValidityDays = 90,
        });
        return (authorities, issued.Record.Id, TimeProvider.System.GetUtcNow());
    }

    private static void BindFill<TParameters>(TParameters parameters, int rows, AuthorityRecord[] authorities, string template, DateTimeOffset now, Action<TParameters, string, object> add)
    {
        var start = now - Span;
        add(parameters, "rows", rows);
        add(parameters, "template", template);
        add(parameters, "start", start.UtcTicks);
        add(parameters, "step", Span.Ticks / rows);
        add(parameters, "start_ms", start.ToUnixTimeMilliseconds());
        add(parameters, "step_ms", (long)Span.TotalMilliseconds / rows);
        add(parameters, "day", TimeSpan.TicksPerDay);
        for (int i = 0; i < authorities.Length; i++)
        {
            add(parameters, "ca" + i, authorities[i].Id);
            add(parameters, "name" + i, authorities[i].Name);
        }
    }

    private static async Task<int> RunShapeAsync(IServiceProvider provider, Shape shape)
    {
        int count = 0;
        if (shape.Certificates is not null)
        {
            await foreach (var unused in provider.GetRequiredService<ICertificateStore>().QueryAsync(shape.Certificates, CancellationToken.None))
            {
                count++;
            }
        }
        else
        {
            await foreach (var unused in provider.GetRequiredService<IRevocationStore>().ListEntriesAsync(shape.Entries!, CancellationToken.None))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The first call (cold: statement not yet prepared, pages perhaps not cached) and the median of the next ones.</summary>
    private static async Task<(int Count, double ColdMs, double WarmMs)> TimeAsync(IServiceProvider provider, Shape shape)
    {
        var watch = Stopwatch.StartNew();
        int count = await RunShapeAsync(provider, shape);
        double cold = watch.Elapsed.TotalMilliseconds;
        var warm = new double[Warm];
        for (int i = 0; i < warm.Length; i++)
        {
            watch.Restart();
            await RunShapeAsync(provider, shape);
            warm[i] = watch.Elapsed.TotalMilliseconds;
        }

        Array.Sort(warm);
        return (count, cold, warm[Warm / 2]);
    }

    private static void Report(Shape shape, string sql, IEnumerable<string> parameters, List<string> plan, int count, double cold, double warm)
    {
        Console.WriteLine($"### {shape.Name}\n");
        Console.WriteLine($"Query: {(object?)shape.Certificates ?? shape.Entries}");
        Console.WriteLine("SQL:   " + Regex.Replace(sql, @"^SELECT .*? FROM", "SELECT <columns> FROM"));
        string bound = string.Join(", ", parameters);
        if (bound.Length > 0)
        {
            Console.WriteLine("Bound: " + bound);
        }

        Console.WriteLine("Plan:");
        foreach (string line in plan)
        {
            Console.WriteLine("    " + line);
        }

        Console.WriteLine(FormattableString.Invariant($"Through the store API: {count:N0} rows; cold {cold:F1} ms; warm median {warm:F2} ms.\n"));
    }

    private static MethodInfo StoreMethod(string type, string name) =>
        typeof(SqlitePkiBuilderExtensions).Assembly.GetType(type)?.GetMethod(name, BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
        ?? throw new InvalidOperationException($"{type}.{name} was not found: the plan tool reads the SQL the SQLite store builds through it; update the tool.");

    private static string SqliteVersion()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        return Convert.ToString(Scalar(connection, "SELECT sqlite_version()"), CultureInfo.InvariantCulture)!;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static object? Scalar(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar();
    }
}
