using System.Security.Cryptography;
using Pki.Core;
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
        var authorities = await ReadAsync(after.Get<IAuthorityStore>().ListAsync(new AuthorityQuery { Limit = 10_000 }, CancellationToken.None));
        var issuedByRoot = await ReadAsync(after.Get<ICertificateStore>().QueryAsync(new CertificateQuery { AuthorityId = root.Id, Limit = 10_000 }, CancellationToken.None));
        var keys = await ReadAsync(after.Get<IPrivateKeyStore>().ListAsync(new PrivateKeyQuery { Limit = 10_000 }, CancellationToken.None));
        var events = await ReadAsync(after.Get<IAuditStore>().QueryAsync(new AuditQuery { Limit = 10_000 }, CancellationToken.None));
        Assert.True(authorities.Count >= 2 + OperationsBeforeKill);

        foreach (var authority in authorities.Where(a => !a.IsRoot))
        {
            var record = issuedByRoot.SingleOrDefault(c => c.SerialNumber == authority.SerialNumber);
            Assert.True(record is not null, $"CA {authority.Name} has no certificate record at its parent.");
            Assert.Equal(CertificateType.CertificateAuthority, record.Type);
            Assert.Equal(record.Status == CertificateStatus.Active, authority.Status == AuthorityStatus.Active);
            int created = events.Count(e => e.Action == "authority.create" && e.ObjectId == authority.Id && e.Outcome == AuditOutcome.Success);
            Assert.True(created == 1, $"CA {authority.Name} has {created} creation events.");
        }

        foreach (var record in issuedByRoot.Where(c => c.Type == CertificateType.CertificateAuthority))
        {
            Assert.Contains(authorities, a => a.SerialNumber == record.SerialNumber); // no certificate record without its CA
        }

        var referenced = authorities.SelectMany(a => new[] { a.KeyId, a.AlternativeKeyId })
            .Concat(issuedByRoot.Select(c => c.PrivateKeyId))
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        Assert.All(keys, key => Assert.Contains(key.Id, referenced)); // no key of an operation that did not finish

        foreach (var escrowed in issuedByRoot.Where(c => c.PrivateKeyId is not null))
        {
            int issued = events.Count(e => e.Action == "certificate.issue" && e.ObjectId == escrowed.Id && e.Outcome == AuditOutcome.Success);
            Assert.True(issued == 1, $"Certificate {escrowed.Id} has {issued} issuance events.");
        }

        var verification = await after.Audit.VerifyAsync();
        Assert.True(verification.IsIntact, verification.Reason);

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

    private static async Task<List<T>> ReadAsync<T>(IAsyncEnumerable<T> source)
    {
        var items = new List<T>();
        await foreach (var item in source)
        {
            items.Add(item);
        }

        return items;
    }
}
