using System.Security.Cryptography;
using Pki.Core;
using Pki.Storage.Sqlite.Tests.TestSupport;

namespace Pki.Storage.Sqlite.Tests;

/// <summary>
/// <see cref="IRevocationStore.GetLastCrlNumberAsync"/> waits for a transaction of another process (here: another host on
/// the same file) that has taken a CRL number and not ended, as the contract asks, and then reports that number.
/// </summary>
public sealed class CrlNumberWaitTests
{
    [Fact]
    public async Task The_last_crl_number_waits_for_another_process_that_took_one()
    {
        using var file = new TempDatabase();
        byte[] kek = RandomNumberGenerator.GetBytes(32);
        using var first = new SqlitePkiHost(file.ConnectionString, kek);
        using var second = new SqlitePkiHost(file.ConnectionString, kek);
        var (_, issuing) = await first.CreateHierarchyAsync();
        var firstStore = first.Get<IRevocationStore>();
        var secondStore = second.Get<IRevocationStore>();
        long mine = await firstStore.NextCrlNumberAsync(issuing.Id, CancellationToken.None);

        var taken = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var other = Task.Run(async () =>
        {
            await using var transaction = StoreTransaction.Begin();
            taken.SetResult(await secondStore.NextCrlNumberAsync(issuing.Id, CancellationToken.None));
            await release.Task;
            await transaction.CommitAsync(CancellationToken.None);
        });
        long theirs = await taken.Task;

        var last = firstStore.GetLastCrlNumberAsync(issuing.Id, CancellationToken.None).AsTask();
        await Task.WhenAny(last, Task.Delay(300));
        Assert.False(last.IsCompleted, "it must wait while the other process's number is not committed");
        release.SetResult();
        await other;

        Assert.Equal(mine + 1, theirs);
        Assert.Equal(theirs, await last);
    }
}
