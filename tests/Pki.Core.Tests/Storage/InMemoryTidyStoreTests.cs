using Pki.Core.Tests.TestSupport;
using Pki.Storage.Conformance;

namespace Pki.Core.Tests.Storage;

public sealed class InMemoryTidyStoreTests : TidyStoreConformance
{
    protected override ValueTask<TidyStores> CreateStoresAsync() => ValueTask.FromResult(InMemoryStoreSet.Create());
}
