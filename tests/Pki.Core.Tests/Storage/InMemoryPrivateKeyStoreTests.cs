using Pki.Core.Storage.InMemory;
using Pki.Storage.Conformance;

namespace Pki.Core.Tests.Storage;

public sealed class InMemoryPrivateKeyStoreTests : PrivateKeyStoreConformance
{
    protected override ValueTask<IPrivateKeyStore> CreateStoreAsync() => ValueTask.FromResult<IPrivateKeyStore>(new InMemoryPrivateKeyStore());
}
