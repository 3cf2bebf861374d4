using Pki.Core.Storage.InMemory;
using Pki.Storage.Conformance;

namespace Pki.Core.Tests.Storage;

public sealed class InMemoryTidyStoreTests : TidyStoreConformance
{
    protected override ValueTask<TidyStores> CreateStoresAsync()
    {
        var keys = new InMemoryPrivateKeyStore();
        var certificates = new InMemoryCertificateStore(keys);
        return ValueTask.FromResult(new TidyStores(certificates, new InMemoryRequestTokenStore(certificates), new InMemoryRevocationStore(certificates), keys, new InMemoryAuthorityStore(keys)));
    }
}
