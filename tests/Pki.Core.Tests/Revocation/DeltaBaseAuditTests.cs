using Microsoft.Extensions.DependencyInjection;
using Pki.Core.Storage.InMemory;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Revocation;

/// <summary>A delta CRL made on a CA without a full CRL signs the base first: that CRL has its own audit event.</summary>
public sealed class DeltaBaseAuditTests
{
    [Fact]
    public async Task A_base_made_for_an_on_demand_delta_has_its_own_event()
    {
        var clock = PkiTestHost.FakeClock();
        using var pki = await RevocationFixture.CreateAsync(time: clock);
        var ca = CaReference.ById(pki.Issuing.Id);

        var delta = await pki.Revocation.GetDeltaCrlAsync(ca); // no full CRL yet: the base is made first
        var baseCrl = await pki.Revocation.GetCrlAsync(ca);    // served (fresh), not made
        Assert.Equal(delta.BaseCrlNumber, baseCrl.Number);

        string baseNumber = baseCrl.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var events = await pki.Host.Get<IAuditLog>().QueryAsync(new AuditQuery { ObjectId = baseNumber }).ToListAsync();
        Assert.Contains(events, e => e.Action.StartsWith("crl.", StringComparison.Ordinal) && e.AuthorityId == pki.Issuing.Id);
    }

    [Fact]
    public async Task A_base_made_for_an_explicit_delta_has_its_own_event_and_the_delta_names_itself()
    {
        using var pki = await RevocationFixture.CreateAsync();
        var ca = CaReference.ById(pki.Issuing.Id);

        var delta = await pki.Revocation.CreateDeltaCrlAsync(ca);

        var audit = pki.Host.Get<IAuditLog>();
        string baseNumber = delta.BaseCrlNumber!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(baseNumber, Assert.Single(await audit.QueryAsync(new AuditQuery { Action = "crl.create" }).ToListAsync()).ObjectId);
        string deltaNumber = delta.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(deltaNumber, Assert.Single(await audit.QueryAsync(new AuditQuery { Action = "crl.create-delta" }).ToListAsync()).ObjectId);
        Assert.True((await audit.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task An_explicit_delta_whose_base_fails_writes_one_failure_event()
    {
        using var host = new PkiTestHost(services: s => s.AddSingleton<IRevocationStore>(sp =>
            new RefusingCrlSaves(ActivatorUtilities.CreateInstance<InMemoryRevocationStore>(sp))));
        var (_, issuing) = await host.CreateHierarchyAsync();

        await Assert.ThrowsAsync<PkiException>(() => host.Get<IRevocationService>().CreateDeltaCrlAsync(CaReference.ById(issuing.Id)).AsTask());

        var events = await host.Get<IAuditLog>().QueryAsync(new AuditQuery { Limit = 1000 }).Where(e => e.Action.StartsWith("crl.", StringComparison.Ordinal)).ToListAsync();
        var only = Assert.Single(events); // one call, one event
        Assert.Equal(("crl.create-delta", AuditOutcome.Failure), (only.Action, only.Outcome));
    }

    private sealed class RefusingCrlSaves(IRevocationStore inner) : RevocationStoreDecorator(inner)
    {
        public override ValueTask SaveCrlAsync(CertificateRevocationList crl, CancellationToken cancellationToken) =>
            throw new PkiException(PkiErrorCode.ConcurrencyConflict, "Simulated store refusal.");
    }
}
