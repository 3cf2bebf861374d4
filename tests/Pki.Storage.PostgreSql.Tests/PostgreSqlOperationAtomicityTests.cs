using Pki.Core;
using Pki.Storage.Conformance;
using Pki.Storage.PostgreSql.Tests.TestSupport;

namespace Pki.Storage.PostgreSql.Tests;

public sealed class PostgreSqlOperationAtomicityTests(PostgreSqlDatabaseFixture fixture) : OperationAtomicityConformance, IClassFixture<PostgreSqlDatabaseFixture>
{
    private string? _connectionString;

    protected override async ValueTask UseStorageAsync(IPkiBuilder pki)
    {
        _connectionString ??= await fixture.NewSchemaConnectionStringAsync();
        pki.UsePostgreSql(_connectionString);
    }
}
