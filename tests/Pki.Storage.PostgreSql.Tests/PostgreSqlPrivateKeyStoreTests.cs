using Pki.Core;
using Pki.Storage.Conformance;
using Pki.Storage.PostgreSql.Tests.TestSupport;

namespace Pki.Storage.PostgreSql.Tests;

public sealed class PostgreSqlPrivateKeyStoreTests(PostgreSqlDatabaseFixture fixture) : PrivateKeyStoreConformance, IClassFixture<PostgreSqlDatabaseFixture>
{
    protected override async ValueTask<IPrivateKeyStore> CreateStoreAsync() => new PostgreSqlPrivateKeyStore(await fixture.NewSchemaAsync());
}
