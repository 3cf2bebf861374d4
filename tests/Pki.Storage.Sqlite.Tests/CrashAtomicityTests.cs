using System.Security.Cryptography;
using Pki.Core;
using Pki.Storage.Conformance;
using Pki.Storage.Sqlite.Tests.TestSupport;

namespace Pki.Storage.Sqlite.Tests;

/// <summary>
/// A process making multi-change operations (subordinate CAs, revocations of their certificates, escrowed issuances)
/// is killed (SIGKILL) in the middle of them. Whatever it was doing, the database holds each operation whole or not at
/// all: every CA has its certificate record at its parent and its event, a revoked CA certificate never leaves its CA
/// active, every key belongs to a CA or a certificate, and the audit chain is intact.
/// </summary>
public sealed class CrashAtomicityTests
{
    private const int OperationsBeforeKill = 12;

    [Fact]
    public async Task A_process_killed_during_multi_change_operations_leaves_each_of_them_whole_or_absent()
    {
        using var file = new TempDatabase();
        byte[] keyEncryptionKey = RandomNumberGenerator.GetBytes(32);
        AuthorityRecord root;
        using (var host = new SqlitePkiHost(file.ConnectionString, keyEncryptionKey))
        {
            (root, _) = await host.CreateHierarchyAsync();
        }

        using (var worker = WorkerProcess.Start("churn", file.FilePath, Convert.ToHexString(keyEncryptionKey)))
        {
            try
            {
                Assert.Equal("ready", await Task.Run(worker.StandardOutput.ReadLine).WaitAsync(TimeSpan.FromMinutes(2)));
                worker.StandardInput.WriteLine("go");
                worker.StandardInput.Flush();
                for (int done = 0; done < OperationsBeforeKill;)
                {
                    string? line = await Task.Run(worker.StandardOutput.ReadLine).WaitAsync(TimeSpan.FromMinutes(2));
                    Assert.True(line == "done", $"The worker stopped: {line ?? "(exited)"}");
                    done++;
                }
            }
            finally
            {
                worker.Kill(entireProcessTree: true); // SIGKILL: four operations in flight, at whatever step
                await worker.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            }
        }

        using var after = new SqlitePkiHost(file.ConnectionString, keyEncryptionKey);
        int subordinates = await MultiChangeInvariants.AssertEachOperationWholeAsync(after.Services, root.Id);
        Assert.True(subordinates >= 1 + OperationsBeforeKill);

        // The database goes on working after the crash.
        var next = await after.Authority.CreateIntermediateAsync(new CreateIntermediateAuthorityRequest
        {
            Name = "after-the-crash",
            Parent = CaReference.ById(root.Id),
            Subject = DistinguishedName.Create(commonName: "After the crash"),
            ValidityDays = 30,
        });
        Assert.NotNull(await after.Get<ICertificateStore>().FindBySerialNumberAsync(root.Id, next.SerialNumber, CancellationToken.None));
    }
}
