using Pki.Core;
using Pki.Storage.Conformance;
using Pki.Storage.PostgreSql.Tests.TestSupport;

namespace Pki.Storage.PostgreSql.Tests;

public sealed class PostgreSqlStoreTransactionTests(PostgreSqlDatabaseFixture fixture) : StoreTransactionConformance, IClassFixture<PostgreSqlDatabaseFixture>
{
    protected override bool Enlists => true;

    protected override async ValueTask<(TidyStores Stores, IAuditStore Audit)> CreateStoresAsync()
    {
        var db = await fixture.NewSchemaAsync();
        var stores = new TidyStores(
            new PostgreSqlCertificateStore(db), new PostgreSqlRequestTokenStore(db), new PostgreSqlRevocationStore(db), new PostgreSqlPrivateKeyStore(db), new PostgreSqlAuthorityStore(db));
        return (stores, new PostgreSqlAuditStore(db));
    }
}
