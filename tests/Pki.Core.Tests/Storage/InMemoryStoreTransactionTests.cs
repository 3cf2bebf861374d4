using Pki.Core.Storage.InMemory;
using Pki.Core.Tests.TestSupport;
using Pki.Storage.Conformance;

namespace Pki.Core.Tests.Storage;

public sealed class InMemoryStoreTransactionTests : StoreTransactionConformance
{
    protected override bool Isolates => false;

    protected override ValueTask<(TidyStores Stores, IAuditStore Audit)> CreateStoresAsync()
    {
        var stores = InMemoryStoreSet.Create();
        return ValueTask.FromResult<(TidyStores, IAuditStore)>((stores, new InMemoryAuditStore()));
    }
}
