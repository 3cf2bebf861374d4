using Pki.Core;
using Pki.Storage.Conformance;
using Pki.Storage.Sqlite.Tests.TestSupport;

namespace Pki.Storage.Sqlite.Tests;

public sealed class OperationAtomicityTests : OperationAtomicityConformance, IDisposable
{
    private readonly TempDatabase _file = new();

    protected override ValueTask UseStorageAsync(IPkiBuilder pki)
    {
        pki.UseSqlite(_file.ConnectionString);
        return ValueTask.CompletedTask;
    }

    public void Dispose() => _file.Dispose();
}
