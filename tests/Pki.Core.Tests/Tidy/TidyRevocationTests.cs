using Microsoft.Extensions.DependencyInjection;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Pki.Core.Storage.InMemory;
using Pki.Core.Tests.Revocation;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Tidy;

/// <summary>Revocation over time and through tidy: what CRLs owe relying parties (RFC 5280, sections 3.3 and 5.2.4).</summary>
public sealed class TidyRevocationTests
{
    [Fact]
    public async Task A_revoked_certificate_stays_until_a_crl_issued_after_its_expiry_has_listed_it()
    {
        var clock = PkiTestHost.FakeClock();
        using var pki = await RevocationFixture.CreateAsync(o => o.Tidy.CertificateRetention = TimeSpan.Zero, clock);
        var leaf = await pki.IssueClientAsync("short@example.com", validityDays: 1);
        await pki.RevokeAsync(leaf);
        await pki.Revocation.CreateCrlAsync(CaReference.ById(pki.Issuing.Id)); // before its expiry
        clock.SetUtcNow(leaf.Record.ExpiresOn + TimeSpan.FromSeconds(1));

        Assert.Equal(0, (await TidyAsync(pki)).CertificatesRemoved); // no CRL after its expiry has listed it yet

        clock.Advance(TimeSpan.FromSeconds(10));
        var afterExpiry = await pki.Revocation.CreateCrlAsync(CaReference.ById(pki.Issuing.Id));
        Assert.Equal(1, Reason(afterExpiry, leaf)); // keyCompromise, listed once after expiry
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, (await TidyAsync(pki)).CertificatesRemoved);
        Assert.Null(Reason(await pki.Revocation.CreateCrlAsync(CaReference.ById(pki.Issuing.Id)), leaf)); // and may leave now
    }

    [Fact]
    public async Task A_reactivated_certificate_stays_while_the_base_crl_still_lists_it_on_hold()
    {
        var clock = PkiTestHost.FakeClock();
        using var pki = await RevocationFixture.CreateAsync(o =>
        {
            o.Tidy.CertificateRetention = TimeSpan.Zero;
            o.Revocation.KeepExpiredOnCrl = true;
        }, clock);
        var ca = CaReference.ById(pki.Issuing.Id);
        var leaf = await pki.IssueClientAsync("held@example.com", validityDays: 1);
        await pki.RevokeAsync(leaf, RevocationReason.CertificateHold);
        var baseCrl = await pki.Revocation.CreateCrlAsync(ca);
        Assert.Equal(6, Reason(baseCrl, leaf));
        clock.Advance(TimeSpan.FromHours(1));
        await pki.ReactivateAsync(leaf);
        clock.SetUtcNow(leaf.Record.ExpiresOn + TimeSpan.FromSeconds(1));

        Assert.Equal(0, (await TidyAsync(pki)).CertificatesRemoved);
        var delta = await pki.Revocation.CreateDeltaCrlAsync(ca);
        Assert.Equal(baseCrl.Number, delta.BaseCrlNumber);
        Assert.Equal(8, Reason(delta, leaf)); // removeFromCRL: base + delta say it is no longer on hold
    }

    [Fact]
    public async Task A_hold_released_after_expiry_is_removed_by_the_delta_when_the_base_listed_it()
    {
        var clock = PkiTestHost.FakeClock();
        using var pki = await RevocationFixture.CreateAsync(time: clock);
        var ca = CaReference.ById(pki.Issuing.Id);
        var leaf = await pki.IssueClientAsync("late@example.com", validityDays: 1);
        await pki.RevokeAsync(leaf, RevocationReason.CertificateHold);
        clock.SetUtcNow(leaf.Record.ExpiresOn + TimeSpan.FromMinutes(1));
        var baseCrl = await pki.Revocation.CreateCrlAsync(ca);
        Assert.Equal(6, Reason(baseCrl, leaf)); // listed once after its expiry

        clock.Advance(TimeSpan.FromMinutes(1));
        await pki.ReactivateAsync(leaf);
        var delta = await pki.Revocation.CreateDeltaCrlAsync(ca);

        Assert.Equal(8, Reason(delta, leaf));
    }

    [Fact]
    public async Task A_change_whose_write_waited_past_a_crl_still_reaches_the_next_delta()
    {
        var clock = PkiTestHost.FakeClock();
        SlowStatusWrites? slow = null;
        using var host = new PkiTestHost(time: clock, services: s => s.AddSingleton<IRevocationStore>(sp =>
            slow = new SlowStatusWrites(ActivatorUtilities.CreateInstance<InMemoryRevocationStore>(sp))));
        var (_, issuing) = await host.CreateHierarchyAsync();
        var ca = CaReference.ById(issuing.Id);
        var revocation = host.Get<IRevocationService>();
        var leaf = await host.Authority.IssueAsync(new IssueCertificateRequest { Authority = ca, Profile = CertificateProfiles.Client, CommonName = "slow@example.com" });
        _ = host.Get<IRevocationStore>();

        // The revocation's write waits 6 s (a busy database); meanwhile a full CRL is made, which cannot list it yet.
        CertificateRevocationList? madeMeanwhile = null;
        slow!.BeforeNextWrite = async () =>
        {
            clock.Advance(TimeSpan.FromSeconds(6));
            madeMeanwhile = await revocation.CreateCrlAsync(ca);
        };
        await revocation.RevokeAsync(new RevokeCertificateRequest { Certificate = CertificateReference.ById(leaf.Record.Id), Reason = RevocationReason.KeyCompromise });
        Assert.Null(Reason(madeMeanwhile!, leaf));

        clock.Advance(TimeSpan.FromSeconds(1));
        var delta = await revocation.GetDeltaCrlAsync(ca);
        Assert.Equal(madeMeanwhile!.Number, delta.BaseCrlNumber);
        Assert.Equal(1, Reason(delta, leaf));
        Assert.Equal(1, Reason(await revocation.GetCrlAsync(ca), leaf)); // and the full CRL is no longer fresh
    }

    private static Task<TidyReport> TidyAsync(RevocationFixture pki) => pki.Host.Get<ITidyService>().TidyAsync().AsTask();

    /// <summary>The entry's reasonCode in <paramref name="crl"/>: null when the certificate is not listed, 0 when listed without one.</summary>
    private static int? Reason(CertificateRevocationList crl, IssuedCertificate certificate)
    {
        var parsed = new Org.BouncyCastle.X509.X509CrlParser().ReadCrl(crl.Der.ToArray());
        var entry = parsed.GetRevokedCertificate(new Org.BouncyCastle.Math.BigInteger(certificate.Record.SerialNumberHex, 16));
        if (entry is null)
        {
            return null;
        }

        var reason = entry.GetExtensionValue(X509Extensions.ReasonCode);
        return reason is null ? 0 : DerEnumerated.GetInstance(Asn1Object.FromByteArray(reason.GetOctets())).IntValueExact;
    }

    private sealed class SlowStatusWrites(IRevocationStore inner) : RevocationStoreDecorator(inner)
    {
        public Func<Task>? BeforeNextWrite { get; set; }

        public override async ValueTask<CertificateRecord?> TryChangeStatusAsync(CertificateStatusChange change, CancellationToken cancellationToken)
        {
            if (BeforeNextWrite is { } wait)
            {
                BeforeNextWrite = null;
                await wait();
            }

            return await Inner.TryChangeStatusAsync(change, cancellationToken);
        }
    }
}
