using Microsoft.Extensions.DependencyInjection;
using Pki.Core.Storage.InMemory;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Revocation;

/// <summary>
/// Cancellation follows the rule of every operation (security-model, "Cancellation"): before the first change nothing
/// happened; once a change is stored, the operation completes and its audit event is written.
/// </summary>
public sealed class CrlCancellationTests
{
    [Fact]
    public async Task A_delta_crl_cancelled_once_it_stored_its_base_crl_completes_with_its_event()
    {
        CancelAfterBaseCrl? hook = null;
        using var host = new PkiTestHost(services: s => s.AddSingleton<IRevocationStore>(sp =>
            hook = new CancelAfterBaseCrl(ActivatorUtilities.CreateInstance<InMemoryRevocationStore>(sp))));
        var (_, issuing) = await host.CreateHierarchyAsync();
        var revocation = host.Get<IRevocationService>();
        _ = host.Get<IRevocationStore>();
        using var cancel = new CancellationTokenSource();
        hook!.Cancel = cancel;

        var delta = await revocation.CreateDeltaCrlAsync(CaReference.ById(issuing.Id), cancel.Token);

        Assert.True(cancel.IsCancellationRequested); // the caller gave up right after the base CRL was stored
        var full = await host.Get<IRevocationStore>().GetLatestCrlAsync(issuing.Id, delta: false, CancellationToken.None);
        Assert.Equal(full!.Number, delta.BaseCrlNumber);
        var events = await host.Get<IAuditLog>().QueryAsync(new AuditQuery { Action = "crl.create-delta" }).ToListAsync();
        Assert.Single(events);
        Assert.True((await host.Get<IAuditLog>().VerifyAsync()).IsIntact);
    }

    private sealed class CancelAfterBaseCrl(IRevocationStore inner) : RevocationStoreDecorator(inner)
    {
        public CancellationTokenSource? Cancel { get; set; }

        public override async ValueTask SaveCrlAsync(CertificateRevocationList crl, CancellationToken cancellationToken)
        {
            await Inner.SaveCrlAsync(crl, cancellationToken);
            if (crl.BaseCrlNumber is null)
            {
                Cancel?.Cancel();
            }
        }
    }
}
