using Pki.Core.Storage.InMemory;
using Pki.Storage.Conformance;

namespace Pki.Core.Tests.Storage;

public sealed class InMemoryAuditedWriteTests : AuditedWriteConformance
{
    protected override ValueTask<(ICertificateStore Certificates, IAuditStore Audit)> CreateStoresAsync() =>
        ValueTask.FromResult<(ICertificateStore, IAuditStore)>((new InMemoryCertificateStore(), new InMemoryAuditStore()));

    protected override ValueTask<(IRequestTokenStore Tokens, IAuditStore Audit)> CreateTokenStoresAsync() =>
        ValueTask.FromResult<(IRequestTokenStore, IAuditStore)>((new InMemoryRequestTokenStore(new InMemoryCertificateStore()), new InMemoryAuditStore()));
}
