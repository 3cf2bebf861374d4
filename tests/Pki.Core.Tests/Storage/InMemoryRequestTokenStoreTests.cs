using Pki.Core.Storage.InMemory;
using Pki.Storage.Conformance;

namespace Pki.Core.Tests.Storage;

public sealed class InMemoryRequestTokenStoreTests : RequestTokenStoreConformance
{
    protected override ValueTask<(IRequestTokenStore Tokens, ICertificateStore Certificates)> CreateStoresAsync()
    {
        var certificates = new InMemoryCertificateStore();
        return ValueTask.FromResult<(IRequestTokenStore, ICertificateStore)>((new InMemoryRequestTokenStore(certificates), certificates));
    }
}
