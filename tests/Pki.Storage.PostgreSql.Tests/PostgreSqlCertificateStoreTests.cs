using Pki.Core;
using Pki.Storage.Conformance;
using Pki.Storage.PostgreSql.Tests.TestSupport;

namespace Pki.Storage.PostgreSql.Tests;

public sealed class PostgreSqlCertificateStoreTests(PostgreSqlDatabaseFixture fixture) : CertificateStoreConformance, IClassFixture<PostgreSqlDatabaseFixture>
{
    protected override async ValueTask<ICertificateStore> CreateStoreAsync() => new PostgreSqlCertificateStore(await fixture.NewSchemaAsync());
}
