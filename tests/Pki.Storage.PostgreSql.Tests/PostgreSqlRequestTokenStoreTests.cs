using Pki.Core;
using Pki.Storage.Conformance;
using Pki.Storage.PostgreSql.Tests.TestSupport;

namespace Pki.Storage.PostgreSql.Tests;

public sealed class PostgreSqlRequestTokenStoreTests(PostgreSqlDatabaseFixture fixture) : RequestTokenStoreConformance, IClassFixture<PostgreSqlDatabaseFixture>
{
    protected override async ValueTask<(IRequestTokenStore Tokens, ICertificateStore Certificates)> CreateStoresAsync()
    {
        var db = await fixture.NewSchemaAsync();
        return (new PostgreSqlRequestTokenStore(db), new PostgreSqlCertificateStore(db));
    }
}
