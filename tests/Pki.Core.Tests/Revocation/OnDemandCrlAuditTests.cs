using Microsoft.Extensions.DependencyInjection;
using Pki.Core.Storage.InMemory;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Revocation;

/// <summary>
/// A CRL that <see cref="IRevocationService.GetCrlAsync"/> or <see cref="IRevocationService.GetDeltaCrlAsync"/> signs
/// because the stored one is stale is a use of the CA key like any other: it is audited once, as the caller's
/// <c>crl.create</c> / <c>crl.create-delta</c>; serving the stored CRL writes nothing.
/// </summary>
public sealed class OnDemandCrlAuditTests
{
    [Fact]
    public async Task A_crl_made_on_demand_is_audited_once_and_a_served_one_is_not()
    {
        var clock = PkiTestHost.FakeClock();
        using var pki = await RevocationFixture.CreateAsync(time: clock);
        var ca = CaReference.ById(pki.Issuing.Id);
        var audit = pki.Host.Get<IAuditLog>();

        var made = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => pki.Revocation.GetCrlAsync(ca).AsTask()));
        var served = await pki.Revocation.GetCrlAsync(ca);
        var delta = await pki.Revocation.GetDeltaCrlAsync(ca);
        var deltaServed = await pki.Revocation.GetDeltaCrlAsync(ca);

        Assert.Single(made.Select(c => c.Number).Distinct());
        Assert.Equal(made[0].Number, served.Number);
        Assert.Equal(delta.Number, deltaServed.Number);
        var full = await audit.QueryAsync(new AuditQuery { Action = "crl.create" }).ToListAsync();
        var created = Assert.Single(full);
        Assert.Equal(made[0].Number.ToString(System.Globalization.CultureInfo.InvariantCulture), created.ObjectId);
        Assert.Equal(pki.Issuing.Id, created.AuthorityId);
        Assert.Equal(AuditOutcome.Success, created.Outcome);
        var deltas = await audit.QueryAsync(new AuditQuery { Action = "crl.create-delta" }).ToListAsync();
        Assert.Equal(delta.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(deltas).ObjectId);
        Assert.True((await audit.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task A_crl_that_fails_to_be_made_on_demand_writes_no_event_per_request()
    {
        // Anonymous downloads must not grow the log with one refusal each while the CA cannot sign (or store) its CRL.
        using var host = new PkiTestHost(services: s => s.AddSingleton<IRevocationStore>(sp =>
            new RefusingCrlSaves(ActivatorUtilities.CreateInstance<InMemoryRevocationStore>(sp))));
        var (_, issuing) = await host.CreateHierarchyAsync();
        var audit = host.Get<IAuditLog>();
        long before = (await audit.QueryAsync(new AuditQuery { Limit = 1000 }).ToListAsync()).Count;

        for (int i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<PkiException>(() => host.Get<IRevocationService>().GetCrlAsync(CaReference.ById(issuing.Id)).AsTask());
        }

        Assert.Equal(before, (await audit.QueryAsync(new AuditQuery { Limit = 1000 }).ToListAsync()).Count);
    }

    private sealed class RefusingCrlSaves(IRevocationStore inner) : RevocationStoreDecorator(inner)
    {
        public override ValueTask SaveCrlAsync(CertificateRevocationList crl, CancellationToken cancellationToken) =>
            throw new PkiException(PkiErrorCode.ConcurrencyConflict, "Simulated store refusal.");
    }
}
