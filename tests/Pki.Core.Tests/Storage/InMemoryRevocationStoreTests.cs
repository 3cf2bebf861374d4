using Pki.Core.Storage.InMemory;
using Pki.Storage.Conformance;

namespace Pki.Core.Tests.Storage;

public sealed class InMemoryRevocationStoreTests : RevocationStoreConformance
{
    protected override ValueTask<(ICertificateStore Certificates, IRevocationStore Revocation)> CreateStoresAsync()
    {
        var certificates = new InMemoryCertificateStore();
        return ValueTask.FromResult<(ICertificateStore, IRevocationStore)>((certificates, new InMemoryRevocationStore(certificates)));
    }

    [Fact]
    public void The_in_memory_revocation_store_refuses_a_foreign_certificate_store() =>
        Assert.Throws<InvalidOperationException>(() => new InMemoryRevocationStore(new ForeignStore()));

    private sealed class ForeignStore : ICertificateStore
    {
        public ValueTask AddAsync(CertificateRecord certificate, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<CertificateRecord?> GetAsync(string id, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<CertificateRecord?> FindBySerialNumberAsync(string authorityId, SerialNumber serialNumber, CancellationToken cancellationToken) => throw new NotSupportedException();

        public IAsyncEnumerable<CertificateRecord> QueryAsync(CertificateQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<CertificatePurgeResult> PurgeExpiredAsync(CertificatePurge purge, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
