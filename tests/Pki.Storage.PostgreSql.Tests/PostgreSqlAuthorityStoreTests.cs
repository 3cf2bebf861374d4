using Pki.Core;
using Pki.Storage.Conformance;
using Pki.Storage.PostgreSql.Tests.TestSupport;

namespace Pki.Storage.PostgreSql.Tests;

public sealed class PostgreSqlAuthorityStoreTests(PostgreSqlDatabaseFixture fixture) : AuthorityStoreConformance, IClassFixture<PostgreSqlDatabaseFixture>
{
    protected override async ValueTask<IAuthorityStore> CreateStoreAsync() => new PostgreSqlAuthorityStore(await fixture.NewSchemaAsync());

    [Fact]
    public async Task Name_constraints_round_trip_and_null_stays_null()
    {
        var store = await CreateStoreAsync();
        var constraints = new NameConstraints
        {
            PermittedDnsDomains = ["example.com", "example.org"],
            ExcludedIpRanges = ["10.0.0.0/8"],
            PermittedEmailDomains = ["example.com"],
        };
        var with = ConformanceRecords.Authority() with { NameConstraints = constraints, AlternativeKeyAlgorithm = KeyAlgorithm.MlDsa65, AlternativeKeyId = "software:alt" };
        var without = ConformanceRecords.Authority();
        await store.AddAsync(with, CancellationToken.None);
        await store.AddAsync(without, CancellationToken.None);

        var loaded = await store.GetAsync(with.Id, CancellationToken.None);
        Assert.NotNull(loaded?.NameConstraints);
        Assert.Equal(constraints.PermittedDnsDomains, loaded.NameConstraints.PermittedDnsDomains);
        Assert.Equal(constraints.ExcludedIpRanges, loaded.NameConstraints.ExcludedIpRanges);
        Assert.Equal(constraints.PermittedEmailDomains, loaded.NameConstraints.PermittedEmailDomains);
        Assert.Empty(loaded.NameConstraints.ExcludedDnsDomains);
        Assert.Equal(KeyAlgorithm.MlDsa65, loaded.AlternativeKeyAlgorithm);
        Assert.Equal("software:alt", loaded.AlternativeKeyId);
        Assert.Null((await store.GetAsync(without.Id, CancellationToken.None))?.NameConstraints);
    }
}
