using Pki.Core;
using Pki.Storage.Conformance;
using Pki.Storage.Sqlite.Tests.TestSupport;

namespace Pki.Storage.Sqlite.Tests.Conformance;

public sealed class SqlitePrivateKeyStoreTests : PrivateKeyStoreConformance, IDisposable
{
    private readonly SqliteStores _stores = new();

    protected override ValueTask<IPrivateKeyStore> CreateStoreAsync() =>
        ValueTask.FromResult<IPrivateKeyStore>(new SqlitePrivateKeyStore(_stores.NewDatabase()));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _stores.Dispose();
    }

    // FsCheck runs property iterations on instances it disposes through IDisposable only.
    public void Dispose() => _stores.Dispose();
}
