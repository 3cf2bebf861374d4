using Pki.Core;
using Pki.Storage.Conformance;
using Pki.Storage.PostgreSql.Tests.TestSupport;

namespace Pki.Storage.PostgreSql.Tests;

/// <summary>
/// A CA host making multi-change operations (subordinate CAs, revocations of their certificates, escrowed issuances)
/// over PostgreSQL is killed with SIGKILL mid-way: the server rolls back its open transactions, and the database holds
/// each operation whole or not at all (see <see cref="MultiChangeInvariants"/>).
/// </summary>
public sealed class PostgreSqlCrashAtomicityTests(PostgreSqlDatabaseFixture fixture) : IClassFixture<PostgreSqlDatabaseFixture>
{
    private const int OperationsBeforeKill = 12;

    [Fact]
    public async Task A_host_killed_during_multi_change_operations_leaves_each_of_them_whole_or_absent()
    {
        string connectionString = await fixture.NewSchemaConnectionStringAsync();
        await using var host = new PkiHost(connectionString);
        var issuing = await host.CreateIssuingCaAsync("Churn");
        string rootId = issuing.ParentId!;

        using (var worker = PostgreSqlMultiProcessTests.StartWorker("churn", connectionString, Convert.ToBase64String(PkiHost.SharedKeyEncryptionKey)))
        {
            try
            {
                Assert.Equal("ready", await worker.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2)));
                await worker.StandardInput.WriteLineAsync("go");
                await worker.StandardInput.FlushAsync();
                for (int done = 0; done < OperationsBeforeKill; done++)
                {
                    string? line = await worker.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2));
                    Assert.True(line == "done", $"The worker stopped: {line ?? "(exited) " + await worker.StandardError.ReadToEndAsync()}");
                }
            }
            finally
            {
                worker.Kill(entireProcessTree: true); // SIGKILL: four operations in flight, at whatever step
                await worker.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            }
        }

        await using var after = new PkiHost(connectionString);
        int subordinates = await MultiChangeInvariants.AssertEachOperationWholeAsync(after.Services, rootId);
        Assert.True(subordinates >= 1 + OperationsBeforeKill);

        // The database goes on working: another subordinate CA, with its record at the parent.
        var next = await after.Authority.CreateIntermediateAsync(new CreateIntermediateAuthorityRequest
        {
            Name = "after-the-crash",
            Parent = CaReference.ById(rootId),
            Subject = DistinguishedName.Create(commonName: "After the crash"),
            ValidityDays = 30,
        });
        Assert.NotNull(await after.Get<ICertificateStore>().FindBySerialNumberAsync(rootId, next.SerialNumber, CancellationToken.None));
    }
}
