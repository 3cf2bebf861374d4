using Pki.Core;
using Pki.Storage.Conformance;
using Pki.Storage.Sqlite.Tests.TestSupport;

namespace Pki.Storage.Sqlite.Tests.Conformance;

public sealed class SqliteRequestTokenStoreTests : RequestTokenStoreConformance, IDisposable
{
    private readonly SqliteStores _stores = new();

    protected override ValueTask<(IRequestTokenStore Tokens, ICertificateStore Certificates)> CreateStoresAsync()
    {
        var database = _stores.NewDatabase();
        return ValueTask.FromResult<(IRequestTokenStore, ICertificateStore)>((new SqliteRequestTokenStore(database), new SqliteCertificateStore(database)));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _stores.Dispose();
    }

    // FsCheck runs property iterations on instances it disposes through IDisposable only.
    public void Dispose() => _stores.Dispose();
}
