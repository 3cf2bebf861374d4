using Pki.Core;
using Pki.Storage.Conformance;
using Pki.Storage.Sqlite.Tests.TestSupport;

namespace Pki.Storage.Sqlite.Tests.Conformance;

public sealed class SqliteStoreTransactionTests : StoreTransactionConformance, IDisposable
{
    private readonly SqliteStores _stores = new();

    protected override bool Isolates => true;

    protected override ValueTask<(TidyStores Stores, IAuditStore Audit)> CreateStoresAsync()
    {
        var database = _stores.NewDatabase();
        var stores = SqliteStores.StoreSet(database);
        return ValueTask.FromResult<(TidyStores, IAuditStore)>((stores, new SqliteAuditStore(database)));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _stores.Dispose();
    }

    public void Dispose() => _stores.Dispose();
}
