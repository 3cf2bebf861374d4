using System.Text;
using Microsoft.Data.Sqlite;
using Pki.Core;
using Pki.Storage.Conformance;
using Pki.Storage.Sqlite.Tests.TestSupport;
using Xunit.Abstractions;

namespace Pki.Storage.Sqlite.Tests;

/// <summary>Every query the stores serve is answered through an index, never by reading the whole table.</summary>
public sealed class QueryPlanTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDatabase _file = new();

    public static TheoryData<string> CertificateQueries => new()
    {
        nameof(CertificateQuery.AuthorityId),
        nameof(CertificateQuery.Organization),
        nameof(CertificateQuery.Status),
        "StatusAndExpiry",
        nameof(CertificateQuery.ExpiresBefore),
        nameof(CertificateQuery.SerialNumber),
        nameof(CertificateQuery.FingerprintSha256),
        nameof(CertificateQuery.After),
    };

    [Theory]
    [MemberData(nameof(CertificateQueries))]
    public async Task Certificate_queries_use_an_index(string filter)
    {
        var now = ConformanceRecords.BaseTime;
        var query = filter switch
        {
            nameof(CertificateQuery.AuthorityId) => new CertificateQuery { AuthorityId = ConformanceRecords.NewId() },
            nameof(CertificateQuery.Organization) => new CertificateQuery { Organization = "Acme Corp" },
            nameof(CertificateQuery.Status) => new CertificateQuery { Status = CertificateStatus.Revoked, After = ConformanceRecords.NewId() },
            "StatusAndExpiry" => new CertificateQuery { Status = CertificateStatus.Active, ExpiresOnOrAfter = now, ExpiresBefore = now.AddDays(30) },
            nameof(CertificateQuery.ExpiresBefore) => new CertificateQuery { ExpiresBefore = now },
            nameof(CertificateQuery.SerialNumber) => new CertificateQuery { SerialNumber = ConformanceRecords.NewSerialNumber() },
            nameof(CertificateQuery.FingerprintSha256) => new CertificateQuery { FingerprintSha256 = new string('A', 64) },
            _ => new CertificateQuery { After = ConformanceRecords.NewId() },
        };

        await AssertIndexedAsync("certificates", command => SqliteCertificateStore.BindQuery(command, query));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(RequestTokenState.Unused)]
    [InlineData(RequestTokenState.Expired)]
    [InlineData(RequestTokenState.Used)]
    public async Task Token_lists_by_authority_owner_or_state_use_an_index(RequestTokenState? state)
    {
        var now = ConformanceRecords.BaseTime;
        await AssertIndexedAsync("request_tokens", command => SqliteRequestTokenStore.BindList(command, new RequestTokenQuery { AuthorityId = ConformanceRecords.NewId(), State = state }, now));
        await AssertIndexedAsync("request_tokens", command => SqliteRequestTokenStore.BindList(command, new RequestTokenQuery { OwnerOrganization = "Acme Corp", State = state }, now));
        if (state is not null)
        {
            await AssertIndexedAsync("request_tokens", command => SqliteRequestTokenStore.BindList(command, new RequestTokenQuery { State = state }, now));
        }
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(false, CertificateStatus.Revoked)]
    [InlineData(true, null)]
    [InlineData(true, CertificateStatus.OnHold)]
    public async Task Revocation_entry_lists_use_an_index(bool changedAfter, CertificateStatus? status)
    {
        var query = new RevocationEntryQuery
        {
            AuthorityId = ConformanceRecords.NewId(),
            ChangedAfter = changedAfter ? 41 : null,
            Status = status,
        };
        await AssertIndexedAsync("certificates", command => SqliteRevocationStore.BindEntries(command, query));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)] // as tidy runs it: CA by CA, with what the CA's latest full CRL published
    [InlineData(true, true)]
    public async Task Certificate_purges_use_an_index(bool keepNotActive, bool perAuthority) =>
        await AssertIndexedAsync("certificates", command =>
            SqliteCertificateStore.BindPurge(command, new CertificatePurge(ConformanceRecords.BaseTime, 500)
            {
                KeepNotActive = keepNotActive,
                AuthorityId = perAuthority ? ConformanceRecords.NewId() : null,
                PublishedBy = perAuthority ? new CrlCoverage(41, ConformanceRecords.BaseTime.AddDays(-1)) : null,
            }));

    [Theory]
    [InlineData(SqliteRequestTokenStore.Purge)]
    [InlineData(SqliteRevocationStore.PurgeCrls)]
    public async Task Token_and_CRL_purges_use_an_index(string sql) =>
        await AssertIndexedAsync(null, command =>
        {
            command.CommandText = sql;
            command.Parameters.AddWithValue("@before", 1L);
            command.Parameters.AddWithValue("@limit", 500);
        });

    [Theory]
    [InlineData("SELECT * FROM private_keys WHERE subject_public_key_sha256 = @p AND subject_public_key_sha256 <> x'' ORDER BY id LIMIT 1;")]
    [InlineData("SELECT * FROM private_keys WHERE id > @p ORDER BY id LIMIT 10;")]
    [InlineData("SELECT * FROM crls WHERE authority_id = @p AND is_delta = 1;")]
    [InlineData("SELECT * FROM ocsp_responders WHERE authority_id = @p;")]
    [InlineData("SELECT * FROM request_tokens WHERE secret_hash = @p;")]
    [InlineData("SELECT * FROM certificates WHERE authority_id = @p AND serial_number = @p;")]
    [InlineData("SELECT * FROM authorities WHERE organization = @p AND name = @p;")]
    [InlineData("SELECT * FROM authorities WHERE organization IS NULL AND name = @p;")]
    [InlineData("SELECT * FROM authorities WHERE parent_id = @p AND id > @p ORDER BY id LIMIT 10;")]
    [InlineData("SELECT * FROM audit_events WHERE sequence > @p AND actor = @p ORDER BY sequence LIMIT 10;")]
    // GetLast (ORDER BY sequence DESC LIMIT 1) reads one row from the end of the rowid b-tree; SQLite reports it as a SCAN.
    public async Task Lookups_use_an_index(string sql)
    {
        await AssertIndexedAsync(null, command =>
        {
            command.CommandText = sql;
            command.Parameters.AddWithValue("@p", "x");
        });
    }

    private async Task AssertIndexedAsync(string? table, Action<SqliteCommand> bind)
    {
        using var database = _file.Open();
        await database.EnsureMigratedAsync(CancellationToken.None);
        using var connection = _file.OpenRaw();
        using var command = connection.CreateCommand();
        bind(command);
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        var plan = new StringBuilder();
        using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.AppendLine(reader.GetString(3));
            }
        }

        string text = plan.ToString();
        output.WriteLine(text);
        Assert.Contains("USING", text, StringComparison.Ordinal); // an index (or the integer primary key) drives the search
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Assert.False(line.StartsWith("SCAN ", StringComparison.Ordinal) && !line.Contains("USING", StringComparison.Ordinal), $"Full table scan: {line}");
        }
    }

    public void Dispose() => _file.Dispose();
}
