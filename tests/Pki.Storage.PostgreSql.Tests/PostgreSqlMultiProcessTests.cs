using System.Diagnostics;
using Npgsql;
using Pki.Core;
using Pki.Storage.PostgreSql.Tests.TestSupport;

namespace Pki.Storage.PostgreSql.Tests;

/// <summary>
/// Two CA hosts in separate processes (tests/Pki.Storage.PostgreSql.Worker) redeem the same tokens over one database;
/// one is killed with SIGKILL mid-run. Afterwards: no used token without its certificate, one certificate per token,
/// no duplicate serial, and the CA still publishes CRLs with increasing numbers.
/// </summary>
public sealed class PostgreSqlMultiProcessTests(PostgreSqlDatabaseFixture fixture) : IClassFixture<PostgreSqlDatabaseFixture>
{
    private const int Tokens = 240;

    [Fact]
    public async Task Killing_one_of_two_worker_processes_mid_run_leaves_no_token_without_its_certificate()
    {
        string connectionString = await fixture.NewSchemaConnectionStringAsync();
        await using var host = new PkiHost(connectionString);
        var ca = await host.CreateIssuingCaAsync("Kill");
        long crlBefore = (await host.Revocation.CreateCrlAsync(CaReference.ById(ca.Id))).Number;
        var secrets = new List<string>();
        for (int i = 0; i < Tokens; i++)
        {
            secrets.Add((await host.Tokens.CreateAsync(new CreateRequestTokenRequest
            {
                Name = "kill-" + i,
                Authority = CaReference.ById(ca.Id),
                Organization = "Acme Corp",
                ValidityDays = 30,
            })).Secret);
        }

        string secretsFile = Path.GetTempFileName();
        await File.WriteAllLinesAsync(secretsFile, secrets);
        try
        {
            using var victim = StartWorker(connectionString, secretsFile, seed: 1);
            using var survivor = StartWorker(connectionString, secretsFile, seed: 2);
            Assert.Equal("ready", await victim.StandardOutput.ReadLineAsync());

            // Kill the victim once both are well under way: in-flight redemptions die with open transactions.
            var waited = Stopwatch.StartNew();
            while (await CountUsedAsync(connectionString) < Tokens / 5 && waited.Elapsed < TimeSpan.FromSeconds(60) && !victim.HasExited)
            {
                await Task.Delay(20);
            }

            Assert.False(victim.HasExited, "The victim finished before it could be killed; raise Tokens.");
            victim.Kill(entireProcessTree: true); // SIGKILL on Unix
            await victim.WaitForExitAsync();

            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await survivor.WaitForExitAsync(timeout.Token);
            string errors = await survivor.StandardError.ReadToEndAsync();
            Assert.True(survivor.ExitCode == 0, $"The surviving worker failed ({survivor.ExitCode}): {errors}");
        }
        finally
        {
            File.Delete(secretsFile);
        }

        // Every token is used exactly once and points at a stored certificate of this CA; serials are unique.
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var check = dataSource.CreateCommand(
            "SELECT count(*) FILTER (WHERE t.state = 1), count(*) FILTER (WHERE t.state = 1 AND c.id IS NULL), count(*) FILTER (WHERE t.state <> 1) "
            + "FROM pki_request_tokens t LEFT JOIN pki_certificates c ON c.id = t.certificate_id"))
        await using (var reader = await check.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal(Tokens, reader.GetInt64(0));
            Assert.Equal(0, reader.GetInt64(1));
            Assert.Equal(0, reader.GetInt64(2));
        }

        await using (var certificates = dataSource.CreateCommand(
            "SELECT count(*), count(DISTINCT serial_number) FROM pki_certificates WHERE authority_id = $1 AND profile <> 'ca'"))
        {
            certificates.Parameters.Add(new NpgsqlParameter<string>() { TypedValue = ca.Id });
            await using var reader = await certificates.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(Tokens, reader.GetInt64(0));
            Assert.Equal(Tokens, reader.GetInt64(1));
        }

        var crl = await host.Revocation.CreateCrlAsync(CaReference.ById(ca.Id));
        Assert.True(crl.Number > crlBefore);
        Assert.True((await host.Audit.VerifyAsync()).IsIntact);
    }

    private static async Task<long> CountUsedAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pki_request_tokens WHERE state = 1", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static Process StartWorker(string connectionString, string secretsFile, int seed) =>
        StartWorker(connectionString, Convert.ToBase64String(PkiHost.SharedKeyEncryptionKey), secretsFile, seed.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Starts tests/Pki.Storage.PostgreSql.Worker with <paramref name="arguments"/> (standard streams redirected).</summary>
    internal static Process StartWorker(params string[] arguments)
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string framework = testOutput.Name;
        string configuration = testOutput.Parent!.Name;
        string tests = testOutput.Parent.Parent!.Parent!.Parent!.FullName;
        string worker = Path.Combine(tests, "Pki.Storage.PostgreSql.Worker", "bin", configuration, framework, "Pki.Storage.PostgreSql.Worker.dll");
        Assert.True(File.Exists(worker), $"The worker was not built at {worker}; build the solution.");

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "exec", worker }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the worker.");
    }
}
