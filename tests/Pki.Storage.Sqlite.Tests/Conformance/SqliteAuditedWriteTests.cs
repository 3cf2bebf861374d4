using Pki.Core;
using Pki.Storage.Conformance;
using Pki.Storage.Sqlite.Tests.TestSupport;

namespace Pki.Storage.Sqlite.Tests.Conformance;

public sealed class SqliteAuditedWriteTests : AuditedWriteConformance, IDisposable
{
    private readonly SqliteStores _stores = new();

    protected override ValueTask<(ICertificateStore Certificates, IAuditStore Audit)> CreateStoresAsync()
    {
        var database = _stores.NewDatabase();
        return ValueTask.FromResult<(ICertificateStore, IAuditStore)>((new SqliteCertificateStore(database), new SqliteAuditStore(database)));
    }

    protected override ValueTask<(IRequestTokenStore Tokens, IAuditStore Audit)> CreateTokenStoresAsync()
    {
        var database = _stores.NewDatabase();
        return ValueTask.FromResult<(IRequestTokenStore, IAuditStore)>((new SqliteRequestTokenStore(database), new SqliteAuditStore(database)));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _stores.Dispose();
    }

    public void Dispose() => _stores.Dispose();
}
