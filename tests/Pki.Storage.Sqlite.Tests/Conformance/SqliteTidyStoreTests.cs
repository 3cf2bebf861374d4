using Pki.Storage.Conformance;
using Pki.Storage.Sqlite.Tests.TestSupport;

namespace Pki.Storage.Sqlite.Tests.Conformance;

public sealed class SqliteTidyStoreTests : TidyStoreConformance, IDisposable
{
    private readonly SqliteStores _stores = new();

    protected override ValueTask<TidyStores> CreateStoresAsync()
    {
        var database = _stores.NewDatabase();
        return ValueTask.FromResult(new TidyStores(
            new SqliteCertificateStore(database), new SqliteRequestTokenStore(database), new SqliteRevocationStore(database), new SqlitePrivateKeyStore(database), new SqliteAuthorityStore(database)));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _stores.Dispose();
    }

    public void Dispose() => _stores.Dispose();
}
