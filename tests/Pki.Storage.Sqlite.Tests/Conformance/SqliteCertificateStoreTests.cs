using Pki.Core;
using Pki.Storage.Conformance;
using Pki.Storage.Sqlite.Tests.TestSupport;

namespace Pki.Storage.Sqlite.Tests.Conformance;

public sealed class SqliteCertificateStoreTests : CertificateStoreConformance, IDisposable
{
    private readonly SqliteStores _stores = new();

    protected override ValueTask<ICertificateStore> CreateStoreAsync() =>
        ValueTask.FromResult<ICertificateStore>(new SqliteCertificateStore(_stores.NewDatabase()));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _stores.Dispose();
    }

    // FsCheck runs property iterations on instances it disposes through IDisposable only.
    public void Dispose() => _stores.Dispose();
}
