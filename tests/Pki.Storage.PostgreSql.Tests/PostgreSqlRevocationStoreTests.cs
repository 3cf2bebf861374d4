using Pki.Core;
using Pki.Storage.Conformance;
using Pki.Storage.PostgreSql.Tests.TestSupport;

namespace Pki.Storage.PostgreSql.Tests;

public sealed class PostgreSqlRevocationStoreTests(PostgreSqlDatabaseFixture fixture) : RevocationStoreConformance, IClassFixture<PostgreSqlDatabaseFixture>
{
    protected override async ValueTask<(ICertificateStore Certificates, IRevocationStore Revocation)> CreateStoresAsync()
    {
        var db = await fixture.NewSchemaAsync();
        return (new PostgreSqlCertificateStore(db), new PostgreSqlRevocationStore(db));
    }
}
