using Pki.Core.Storage.InMemory;
using Pki.Storage.Conformance;

namespace Pki.Core.Tests.Storage;

public sealed class InMemoryAuditStoreTests : AuditStoreConformance
{
    protected override ValueTask<IAuditStore> CreateStoreAsync() => ValueTask.FromResult<IAuditStore>(new InMemoryAuditStore());
}
