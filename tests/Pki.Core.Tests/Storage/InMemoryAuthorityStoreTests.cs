using Pki.Core.Storage.InMemory;
using Pki.Storage.Conformance;

namespace Pki.Core.Tests.Storage;

public sealed class InMemoryAuthorityStoreTests : AuthorityStoreConformance
{
    protected override ValueTask<IAuthorityStore> CreateStoreAsync() => ValueTask.FromResult<IAuthorityStore>(new InMemoryAuthorityStore());
}
