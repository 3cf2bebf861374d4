using Pki.Storage.Conformance;
using Pki.Storage.PostgreSql.Tests.TestSupport;

namespace Pki.Storage.PostgreSql.Tests;

public sealed class PostgreSqlTidyStoreTests(PostgreSqlDatabaseFixture fixture) : TidyStoreConformance, IClassFixture<PostgreSqlDatabaseFixture>
{
    protected override async ValueTask<TidyStores> CreateStoresAsync() => PostgreSqlStoreSet.Over(await fixture.NewSchemaAsync());
}
