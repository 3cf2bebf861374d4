using System.Text;
using Npgsql;
using Pki.Core;
using Pki.Storage.Conformance;
using Pki.Storage.PostgreSql.Tests.TestSupport;
using Xunit.Abstractions;

namespace Pki.Storage.PostgreSql.Tests;

/// <summary>
/// The certificate queries and CRL-entry lists are answered through an index, never by a sequential scan of
/// <c>pki_certificates</c>: 20,000 rows (four CAs, 2 % revoked, 0.5 % on hold, issuance spread over two years), ANALYZE,
/// then each query runs through the real store while <c>auto_explain</c> logs the plan of the statement the store sent.
/// </summary>
/// <remarks>The plans at 1,000,000 rows, with timings, come from <c>benchmarks/Pki.Storage.Benchmarks -- plans</c> (docs/performance.md).</remarks>
public sealed class PostgreSqlQueryPlanTests(PostgreSqlDatabaseFixture fixture, ITestOutputHelper output) : IClassFixture<PostgreSqlDatabaseFixture>
{
    private const int Rows = 20_000;

    [Fact]
    public async Task Certificate_queries_and_crl_entry_lists_do_not_scan_the_certificates_table()
    {
        string schema = "plans_" + Guid.NewGuid().ToString("N")[..12];
        await using (var create = fixture.DataSource.CreateCommand($"CREATE SCHEMA {schema}"))
        {
            await create.ExecuteNonQueryAsync();
        }

        // Every session of this data source logs the plan of every statement it runs (auto_explain, superuser-only
        // settings passed at connection start).
        var explaining = new NpgsqlConnectionStringBuilder(fixture.ConnectionString)
        {
            Options = "-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0",
        };
        await using var db = new PostgreSqlDatabase(NpgsqlDataSource.Create(explaining.ConnectionString), schema, ownsDataSource: true);
        var certificates = new PostgreSqlCertificateStore(db);
        var revocation = new PostgreSqlRevocationStore(db);
        var now = ConformanceRecords.BaseTime;
        var authorities = Enumerable.Range(0, 4).Select(_ => ConformanceRecords.NewAuthoritySummary()).ToArray();
        var template = ConformanceRecords.Certificate(authorities[0]);
        await certificates.AddAsync(template, CancellationToken.None);
        await FillAsync(db.Table("pki_certificates"), template.Id, authorities, now);

        var shapes = new (string Name, Func<Task> Run)[]
        {
            ("status = Revoked", () => QueryAsync(certificates, new CertificateQuery { Status = CertificateStatus.Revoked })),
            ("status = Active", () => QueryAsync(certificates, new CertificateQuery { Status = CertificateStatus.Active })),
            ("expiry range", () => QueryAsync(certificates, new CertificateQuery { ExpiresOnOrAfter = now, ExpiresBefore = now.AddDays(30) })),
            ("status + expiry range", () => QueryAsync(certificates, new CertificateQuery { Status = CertificateStatus.Active, ExpiresOnOrAfter = now, ExpiresBefore = now.AddDays(30) })),
            ("expired", () => QueryAsync(certificates, new CertificateQuery { ExpiresBefore = now })),
            ("CA + status = Revoked", () => QueryAsync(certificates, new CertificateQuery { AuthorityId = authorities[1].Id, Status = CertificateStatus.Revoked })),
            ("CA + status = Active", () => QueryAsync(certificates, new CertificateQuery { AuthorityId = authorities[1].Id, Status = CertificateStatus.Active })),
            ("CRL entries", () => EntriesAsync(revocation, new RevocationEntryQuery { AuthorityId = authorities[1].Id })),
            ("CRL entries by status", () => EntriesAsync(revocation, new RevocationEntryQuery { AuthorityId = authorities[1].Id, Status = CertificateStatus.OnHold })),
            ("delta-CRL entries", () => EntriesAsync(revocation, new RevocationEntryQuery { AuthorityId = authorities[1].Id, ChangedAfter = 41 })),
        };

        var scans = new List<string>();
        foreach (var (name, run) in shapes)
        {
            long offset = new FileInfo(LogPath).Length;
            await run();
            string plan = await LoggedPlanAsync(offset, $"\"{schema}\".pki_certificates");
            output.WriteLine($"{name}:\n{plan}");
            Assert.Contains("Index", plan, StringComparison.Ordinal);
            if (name.EndsWith("expiry range", StringComparison.Ordinal))
            {
                // Not a walk along the primary key that discards rows until the window starts (ids and expiry are both
                // time-ordered, which the planner cannot see): the expiry index, then a sort of the page.
                Assert.Contains("expires_idx", plan, StringComparison.Ordinal);
            }

            if (plan.Contains("Seq Scan on pki_certificates", StringComparison.Ordinal))
            {
                scans.Add(name);
            }
        }

        Assert.True(scans.Count == 0, "Sequential scan of pki_certificates for: " + string.Join(", ", scans));
    }

    private string LogPath => Path.Combine(Path.GetDirectoryName(fixture.Cluster.DataDirectory)!, "server.log");

    private async Task FillAsync(string table, string templateId, AuthoritySummary[] authorities, DateTimeOffset now)
    {
        var span = TimeSpan.FromDays(730);
        string sql = $"""
            INSERT INTO {table} (id, authority_id, authority_name, certificate_pem, subject_oids, subject_values, san_dns, san_ip,
                san_email, san_uri, csr, issued_on, expires_on, validity_days, serial_number, fingerprint_sha256,
                subject_key_identifier, signature_algorithm, type, profile, public_key_algorithm, public_key_size,
                owner_organization, status, revoked_at, revocation_reason, invalidity_date, revocation_comment,
                status_changed_at, token_id, name, private_key_id)
            SELECT lpad(to_hex(@start_ms + g * @step_ms), 12, '0') || substr(md5(g::text), 1, 20) AS id,
                   (ARRAY[@ca0, @ca1, @ca2, @ca3])[(g / 3) % 4 + 1], (ARRAY[@name0, @name1, @name2, @name3])[(g / 3) % 4 + 1],
                   t.certificate_pem, t.subject_oids, t.subject_values, t.san_dns, t.san_ip, t.san_email, t.san_uri, NULL,
                   @start + g * @step, @start + g * @step + 90 * @day, 90,
                   '\x01'::bytea || substring(decode(md5('s' || g), 'hex') from 1 for 15), md5('f' || g) || md5('p' || g),
                   t.subject_key_identifier, t.signature_algorithm, t.type, t.profile, t.public_key_algorithm, t.public_key_size,
                   t.owner_organization,
                   (CASE WHEN g % 50 = 0 THEN 3 WHEN g % 200 = 1 THEN 2 ELSE 1 END)::smallint,
                   CASE WHEN g % 50 = 0 OR g % 200 = 1 THEN @start + g * @step + @day END,
                   (CASE WHEN g % 50 = 0 THEN 1 WHEN g % 200 = 1 THEN 6 END)::smallint, NULL, NULL,
                   CASE WHEN g % 50 = 0 OR g % 200 = 1 THEN @start + g * @step + @day END,
                   NULL, t.name, NULL
            FROM generate_series(1, {Rows}) AS g CROSS JOIN (SELECT * FROM {table} WHERE id = @template) AS t
            """;
        await using var fill = fixture.DataSource.CreateCommand(sql);
        var start = now - span;
        fill.Parameters.AddWithValue("template", templateId);
        fill.Parameters.AddWithValue("start", start.UtcTicks);
        fill.Parameters.AddWithValue("step", span.Ticks / Rows);
        fill.Parameters.AddWithValue("start_ms", start.ToUnixTimeMilliseconds());
        fill.Parameters.AddWithValue("step_ms", (long)span.TotalMilliseconds / Rows);
        fill.Parameters.AddWithValue("day", TimeSpan.TicksPerDay);
        for (int i = 0; i < authorities.Length; i++)
        {
            fill.Parameters.AddWithValue("ca" + i, authorities[i].Id);
            fill.Parameters.AddWithValue("name" + i, authorities[i].Name);
        }

        Assert.Equal(Rows, await fill.ExecuteNonQueryAsync());
        await using var analyze = fixture.DataSource.CreateCommand($"ANALYZE {table}");
        await analyze.ExecuteNonQueryAsync();
    }

    private static async Task QueryAsync(PostgreSqlCertificateStore store, CertificateQuery query)
    {
        await foreach (var unused in store.QueryAsync(query, CancellationToken.None))
        {
        }
    }

    private static async Task EntriesAsync(PostgreSqlRevocationStore store, RevocationEntryQuery query)
    {
        await foreach (var unused in store.ListEntriesAsync(query, CancellationToken.None))
        {
        }
    }

    /// <summary>The plan auto_explain logged after <paramref name="offset"/> for a statement naming <paramref name="table"/>.</summary>
    private async Task<string> LoggedPlanAsync(long offset, string table)
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            string log;
            await using (var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                stream.Seek(offset, SeekOrigin.Begin);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                log = await reader.ReadToEndAsync();
            }

            var lines = log.Split('\n');
            int text = Array.FindLastIndex(lines, l => l.Contains("Query Text:", StringComparison.Ordinal) && l.Contains(table, StringComparison.Ordinal));
            if (text >= 0 && text + 1 < lines.Length && lines[text + 1].StartsWith('\t'))
            {
                var plan = lines.Skip(text + 1).TakeWhile(l => l.StartsWith('\t')).ToList();
                if (text + 1 + plan.Count < lines.Length)
                {
                    return string.Join('\n', plan);
                }
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"No plan for {table} was logged in {LogPath} after offset {offset}.");
    }
}
