using Pki.Storage.Conformance;
using Pki.Storage.Sqlite.Tests.TestSupport;

namespace Pki.Storage.Sqlite.Tests.Conformance;

public sealed class SqliteTidyStoreTests : TidyStoreConformance, IDisposable
{
    private readonly SqliteStores _stores = new();

    protected override ValueTask<TidyStores> CreateStoresAsync() => ValueTask.FromResult(_stores.NewStoreSet());

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _stores.Dispose();
    }

    public void Dispose() => _stores.Dispose();
}
