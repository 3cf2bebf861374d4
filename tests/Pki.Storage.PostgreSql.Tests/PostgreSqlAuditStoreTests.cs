using Pki.Core;
using Pki.Storage.Conformance;
using Pki.Storage.PostgreSql.Tests.TestSupport;

namespace Pki.Storage.PostgreSql.Tests;

public sealed class PostgreSqlAuditStoreTests(PostgreSqlDatabaseFixture fixture) : AuditStoreConformance, IClassFixture<PostgreSqlDatabaseFixture>
{
    protected override async ValueTask<IAuditStore> CreateStoreAsync() => new PostgreSqlAuditStore(await fixture.NewSchemaAsync());
}
