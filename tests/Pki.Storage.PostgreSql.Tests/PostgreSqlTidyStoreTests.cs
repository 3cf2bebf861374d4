using Pki.Storage.Conformance;
using Pki.Storage.PostgreSql.Tests.TestSupport;

namespace Pki.Storage.PostgreSql.Tests;

public sealed class PostgreSqlTidyStoreTests(PostgreSqlDatabaseFixture fixture) : TidyStoreConformance, IClassFixture<PostgreSqlDatabaseFixture>
{
    protected override async ValueTask<TidyStores> CreateStoresAsync()
    {
        var db = await fixture.NewSchemaAsync();
        return new TidyStores(new PostgreSqlCertificateStore(db), new PostgreSqlRequestTokenStore(db), new PostgreSqlRevocationStore(db), new PostgreSqlPrivateKeyStore(db), new PostgreSqlAuthorityStore(db));
    }
}
