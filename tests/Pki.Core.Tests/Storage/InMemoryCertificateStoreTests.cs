using Pki.Core.Storage.InMemory;
using Pki.Storage.Conformance;

namespace Pki.Core.Tests.Storage;

public sealed class InMemoryCertificateStoreTests : CertificateStoreConformance
{
    protected override ValueTask<ICertificateStore> CreateStoreAsync() => ValueTask.FromResult<ICertificateStore>(new InMemoryCertificateStore());
}
