using Pki.Core;
using Pki.Storage.Conformance;
using Pki.Storage.PostgreSql.Tests.TestSupport;

namespace Pki.Storage.PostgreSql.Tests;

public sealed class PostgreSqlAuditedWriteConformanceTests(PostgreSqlDatabaseFixture fixture) : AuditedWriteConformance, IClassFixture<PostgreSqlDatabaseFixture>
{
    protected override async ValueTask<(ICertificateStore Certificates, IAuditStore Audit)> CreateStoresAsync()
    {
        var db = await fixture.NewSchemaAsync();
        return (new PostgreSqlCertificateStore(db), new PostgreSqlAuditStore(db));
    }

    protected override async ValueTask<(IRequestTokenStore Tokens, IAuditStore Audit)> CreateTokenStoresAsync()
    {
        var db = await fixture.NewSchemaAsync();
        return (new PostgreSqlRequestTokenStore(db), new PostgreSqlAuditStore(db));
    }
}
