using Pki.Storage.Conformance;
using Pki.Storage.PostgreSql.Tests.TestSupport;

namespace Pki.Storage.PostgreSql.Tests;

public sealed class PostgreSqlIssuerStatusTests(PostgreSqlDatabaseFixture fixture) : IssuerStatusConformance, IClassFixture<PostgreSqlDatabaseFixture>
{
    protected override async ValueTask<TidyStores> CreateStoresAsync() => PostgreSqlStoreSet.Over(await fixture.NewSchemaAsync());
}
