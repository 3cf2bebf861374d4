using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Revocation;

/// <summary>
/// The in-memory stores apply a store transaction's changes at once and take them back on rollback; readers (a CRL
/// builder) may have seen them meanwhile. Taking a status change back is therefore numbered as a change of its own.
/// </summary>
public sealed class RolledBackStatusChangeTests
{
    private static Task<CertificateRevocationList> OutsideTransaction(Func<Task<CertificateRevocationList>> work)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(work);
        }
    }

    /// <summary>
    /// In-memory store: a revocation made inside a StoreTransaction is visible at once and takes number N. A full CRL made
    /// meanwhile records ChangesThrough = N and lists it. The transaction then rolls back: the record is restored with its
    /// OLD sequence number, so nothing numbered after N announces the undo. The stale full CRL (listing an active
    /// certificate as revoked) stays "fresh" and no delta carries removeFromCRL.
    /// </summary>
    [Fact]
    public async Task A_rolled_back_revocation_that_a_crl_listed_makes_that_crl_stale_and_the_next_delta_removes_it()
    {
        using var pki = await RevocationFixture.CreateAsync();
        var ca = CaReference.ById(pki.Issuing.Id);
        var leaf = await pki.IssueClientAsync("rollback@example.com");
        var store = pki.Host.Get<IRevocationStore>();
        var now = pki.Host.Get<TimeProvider>().GetUtcNow();

        CertificateRevocationList during;
        await using (var transaction = StoreTransaction.Begin())
        {
            var changed = await store.TryChangeStatusAsync(new CertificateStatusChange
            {
                CertificateId = leaf.Record.Id,
                ExpectedStatus = CertificateStatus.Active,
                NewStatus = CertificateStatus.Revoked,
                Reason = RevocationReason.KeyCompromise,
                RevokedAt = now,
                ChangedAt = now,
            }, CancellationToken.None);
            Assert.NotNull(changed);

            // Another caller makes the CA's CRL while the operation is still running.
            during = await OutsideTransaction(() => pki.Revocation.GetCrlAsync(ca).AsTask());
            Assert.Contains(leaf.Record.SerialNumberHex, CrlContents.Read(during.Der).Entries.Keys);
            // The operation then fails: disposed without a commit, it rolls back.
        }

        var record = await pki.Host.Get<ICertificateStore>().GetAsync(leaf.Record.Id, CancellationToken.None);
        Assert.Equal(CertificateStatus.Active, record!.Status);

        var served = await pki.Revocation.GetCrlAsync(ca);
        var delta = await pki.Revocation.GetDeltaCrlAsync(ca);
        bool fullSaysRevoked = CrlContents.Read(served.Der).Entries.ContainsKey(leaf.Record.SerialNumberHex);
        bool deltaRemoves = CrlContents.Read(delta.Der).Entries.TryGetValue(leaf.Record.SerialNumberHex, out var entry)
            && entry.Reason == (int)RevocationReason.RemoveFromCrl;
        Assert.True(!fullSaysRevoked || deltaRemoves,
            $"full CRL {served.Number} (ChangesThrough {served.ChangesThrough}) still lists the active certificate as revoked, and delta {delta.Number} does not remove it");
    }

    /// <summary>
    /// Same root cause, RFC 5280 section 3.3: a held certificate, listed on hold only before it expired. After its expiry a
    /// release (OnHold -> Active, number 2) runs in a StoreTransaction; a full CRL made meanwhile reflects number 2 and,
    /// seeing it active, does not list it. The transaction rolls back: on hold again, with number 1. Tidy now purges it
    /// (number 1 &lt;= the CRL's ChangesThrough 2, expired before its thisUpdate) although no CRL issued after its expiry ever
    /// listed it, and no later CRL can.
    /// </summary>
    [Fact]
    public async Task A_rolled_back_release_does_not_let_tidy_purge_a_held_certificate_no_crl_after_its_expiry_listed()
    {
        var clock = PkiTestHost.FakeClock();
        using var pki = await RevocationFixture.CreateAsync(o => o.Tidy.CertificateRetention = TimeSpan.Zero, clock);
        var ca = CaReference.ById(pki.Issuing.Id);
        var leaf = await pki.IssueClientAsync("held@example.com", validityDays: 1);
        await pki.RevokeAsync(leaf, RevocationReason.CertificateHold);
        var before = await pki.Revocation.CreateCrlAsync(ca); // lists it on hold, before its expiry
        Assert.Contains(leaf.Record.SerialNumberHex, CrlContents.Read(before.Der).Entries.Keys);
        clock.SetUtcNow(leaf.Record.ExpiresOn + TimeSpan.FromMinutes(1));

        var store = pki.Host.Get<IRevocationStore>();
        await using (var transaction = StoreTransaction.Begin())
        {
            Assert.NotNull(await store.TryChangeStatusAsync(new CertificateStatusChange
            {
                CertificateId = leaf.Record.Id,
                ExpectedStatus = CertificateStatus.OnHold,
                NewStatus = CertificateStatus.Active,
                ChangedAt = clock.GetUtcNow(),
            }, CancellationToken.None));
            var during = await OutsideTransaction(() => pki.Revocation.CreateCrlAsync(ca).AsTask());
            Assert.DoesNotContain(leaf.Record.SerialNumberHex, CrlContents.Read(during.Der).Entries.Keys);
            // not committed: rolled back
        }

        var record = await pki.Host.Get<ICertificateStore>().GetAsync(leaf.Record.Id, CancellationToken.None);
        Assert.Equal(CertificateStatus.OnHold, record!.Status);
        clock.Advance(TimeSpan.FromMinutes(1));
        var report = await pki.Host.Get<ITidyService>().TidyAsync().AsTask();
        Assert.True(report.CertificatesRemoved == 0, "tidy purged a held certificate that no CRL issued after its expiry has listed");
    }
}
