using Pki.Core.Storage.InMemory;
using Pki.Storage.Conformance;

namespace Pki.Core.Tests.Storage;

public sealed class InMemoryStoreTransactionTests : StoreTransactionConformance
{
    protected override bool Isolates => false;

    protected override ValueTask<(TidyStores Stores, IAuditStore Audit)> CreateStoresAsync()
    {
        var keys = new InMemoryPrivateKeyStore();
        var certificates = new InMemoryCertificateStore(keys);
        var stores = new TidyStores(certificates, new InMemoryRequestTokenStore(certificates), new InMemoryRevocationStore(certificates), keys, new InMemoryAuthorityStore(keys));
        return ValueTask.FromResult<(TidyStores, IAuditStore)>((stores, new InMemoryAuditStore()));
    }
}
