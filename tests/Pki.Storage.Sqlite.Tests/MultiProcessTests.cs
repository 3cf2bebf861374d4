using System.Diagnostics;
using System.Security.Cryptography;
using Pki.Core;
using Pki.Storage.Sqlite.Tests.TestSupport;
using Xunit.Abstractions;

namespace Pki.Storage.Sqlite.Tests;

public sealed class MultiProcessTests(ITestOutputHelper output)
{
    private const int TokenCount = 200;
    private const int Processes = 2;
    private const int ParallelismPerProcess = 4;

    [Fact]
    public async Task Two_processes_redeeming_the_same_tokens_on_one_file_get_exactly_one_certificate_per_token()
    {
        using var file = new TempDatabase();
        byte[] keyEncryptionKey = RandomNumberGenerator.GetBytes(32);
        AuthorityRecord issuing;
        var tokenIds = new List<string>();
        string secretsFile = Path.Combine(file.Directory, "secrets.txt");
        using (var host = new SqlitePkiHost(file.ConnectionString, keyEncryptionKey))
        {
            (_, issuing) = await host.CreateHierarchyAsync();
            var secrets = new List<string>();
            for (int i = 0; i < TokenCount; i++)
            {
                var created = await host.Tokens.CreateAsync(new CreateRequestTokenRequest { Name = "device-" + i, Authority = CaReference.ById(issuing.Id) });
                tokenIds.Add(created.Token.Id);
                secrets.Add(created.Secret);
            }

            await File.WriteAllLinesAsync(secretsFile, secrets);
        }

        var workers = Enumerable.Range(0, Processes)
            .Select(i => StartWorker(file.FilePath, keyEncryptionKey, secretsFile, Path.Combine(file.Directory, $"results-{i}.txt")))
            .ToList();
        try
        {
            foreach (var worker in workers)
            {
                string? line = await Task.Run(worker.StandardOutput.ReadLine).WaitAsync(TimeSpan.FromMinutes(2));
                Assert.True(line == "ready", $"A worker did not start: {line}");
            }

            foreach (var worker in workers)
            {
                worker.StandardInput.Close(); // the start signal: both start redeeming together
            }

            foreach (var worker in workers)
            {
                await worker.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
                Assert.True(worker.ExitCode == 0, $"A worker exited with {worker.ExitCode}.");
            }
        }
        finally
        {
            foreach (var worker in workers.Where(w => !w.HasExited))
            {
                worker.Kill(entireProcessTree: true);
            }

            foreach (var worker in workers)
            {
                worker.Dispose();
            }
        }

        var outcomes = Enumerable.Range(0, Processes)
            .SelectMany(i => File.ReadAllLines(Path.Combine(file.Directory, $"results-{i}.txt")))
            .Select(line => line.Split(' ', 3))
            .ToList();
        Assert.Equal(TokenCount * Processes, outcomes.Count);
        var unexpected = outcomes.Where(o => o[1] is not ("ok" or nameof(PkiErrorCode.TokenAlreadyUsed))).Select(o => string.Join(' ', o)).ToList();
        Assert.True(unexpected.Count == 0, "Unexpected outcomes: " + string.Join("; ", unexpected.Take(5)));
        var winners = outcomes.Where(o => o[1] == "ok").ToList();
        Assert.Equal(Enumerable.Range(0, TokenCount), winners.Select(o => int.Parse(o[0])).Order());
        output.WriteLine($"Process 0 won {outcomes.Take(TokenCount).Count(o => o[1] == "ok")} tokens, process 1 won {outcomes.Skip(TokenCount).Count(o => o[1] == "ok")}.");

        // The database agrees: one certificate per token, each token used and pointing at its certificate.
        using var host2 = new SqlitePkiHost(file.ConnectionString, keyEncryptionKey);
        var certificates = new List<CertificateRecord>();
        await foreach (var certificate in host2.Authority.ListCertificatesAsync(new CertificateQuery { AuthorityId = issuing.Id, Limit = 1000 }))
        {
            certificates.Add(certificate);
        }

        Assert.Equal(TokenCount, certificates.Count);
        Assert.Equal(tokenIds.Order(StringComparer.Ordinal), certificates.Select(c => c.TokenId!).Order(StringComparer.Ordinal));
        Assert.Equal(TokenCount, certificates.Select(c => c.SerialNumberHex).Distinct().Count());
        var winnerCertificateIds = winners.Select(o => o[2]).ToHashSet();
        foreach (string tokenId in tokenIds)
        {
            var token = await host2.Tokens.GetAsync(tokenId);
            Assert.Equal(RequestTokenState.Used, token.State);
            Assert.Contains(token.CertificateId!, winnerCertificateIds);
            Assert.Equal(tokenId, certificates.Single(c => c.Id == token.CertificateId).TokenId);
        }
    }

    private static Process StartWorker(string databaseFile, byte[] keyEncryptionKey, string secretsFile, string resultsFile) =>
        WorkerProcess.Start(
            databaseFile, Convert.ToHexString(keyEncryptionKey), secretsFile, resultsFile,
            ParallelismPerProcess.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
