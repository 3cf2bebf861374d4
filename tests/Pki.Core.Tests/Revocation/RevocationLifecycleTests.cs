using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Revocation;

/// <summary>Revoke, hold, reactivate and publish through <see cref="IRevocationService"/>, and what CRLs show afterwards.</summary>
public sealed class RevocationLifecycleTests
{
    [Fact]
    public async Task Revoke_records_reason_time_invalidity_date_and_comment()
    {
        var clock = PkiTestHost.FakeClock();
        using var pki = await RevocationFixture.CreateAsync(time: clock);
        var client = await pki.IssueClientAsync();
        clock.Advance(TimeSpan.FromHours(1));
        var invalidity = clock.GetUtcNow().AddDays(-2);

        var revoked = await pki.Revocation.RevokeAsync(new RevokeCertificateRequest
        {
            Certificate = CertificateReference.ById(client.Record.Id),
            Reason = RevocationReason.KeyCompromise,
            InvalidityDate = invalidity,
            Comment = "laptop stolen",
        });

        Assert.Equal(CertificateStatus.Revoked, revoked.Status);
        Assert.Equal(RevocationReason.KeyCompromise, revoked.RevocationReason);
        Assert.Equal(clock.GetUtcNow(), revoked.RevokedAt);
        Assert.Equal(invalidity, revoked.InvalidityDate);
        Assert.Equal("laptop stolen", revoked.RevocationComment);
        Assert.Equal(revoked, await pki.Host.Authority.GetCertificateAsync(client.Record.Id));
    }

    [Fact]
    public async Task Double_revoke_is_AlreadyRevoked_409()
    {
        using var pki = await RevocationFixture.CreateAsync();
        var client = await pki.IssueClientAsync();
        await pki.RevokeAsync(client);

        var ex = await Assert.ThrowsAsync<PkiException>(() => pki.RevokeAsync(client, RevocationReason.Superseded));
        Assert.Equal(PkiErrorCode.AlreadyRevoked, ex.Code);
        Assert.Equal(409, ex.HttpStatusCode);
    }

    [Fact]
    public async Task Revoke_by_CA_and_serial_number_finds_the_certificate()
    {
        using var pki = await RevocationFixture.CreateAsync();
        var client = await pki.IssueClientAsync();

        var revoked = await pki.Revocation.RevokeAsync(new RevokeCertificateRequest
        {
            Certificate = CertificateReference.BySerialNumber(CaReference.ByName(pki.Issuing.Name), SerialNumber.Parse(client.Record.SerialNumberHex)),
            Reason = RevocationReason.CessationOfOperation,
        });

        Assert.Equal(client.Record.Id, revoked.Id);
        Assert.Equal(CertificateStatus.Revoked, revoked.Status);
    }

    [Fact]
    public async Task Unknown_certificates_and_CAs_are_not_found()
    {
        using var pki = await RevocationFixture.CreateAsync();
        var byId = await Assert.ThrowsAsync<PkiException>(() => pki.Revocation.GetStatusAsync(CertificateReference.ById("00000000000000000000000000000000")).AsTask());
        Assert.Equal(PkiErrorCode.CertificateNotFound, byId.Code);
        var bySerial = await Assert.ThrowsAsync<PkiException>(() =>
            pki.Revocation.GetStatusAsync(CertificateReference.BySerialNumber(CaReference.ById(pki.Issuing.Id), SerialNumber.Parse("0badc0de"))).AsTask());
        Assert.Equal(PkiErrorCode.CertificateNotFound, bySerial.Code);
        var noCa = await Assert.ThrowsAsync<PkiException>(() => pki.Revocation.CreateCrlAsync(CaReference.ByName("nobody")).AsTask());
        Assert.Equal(PkiErrorCode.AuthorityNotFound, noCa.Code);
    }

    [Fact]
    public async Task Bad_revocation_input_is_an_invalid_request()
    {
        var clock = PkiTestHost.FakeClock();
        using var pki = await RevocationFixture.CreateAsync(time: clock);
        var client = await pki.IssueClientAsync();
        var reference = CertificateReference.ById(client.Record.Id);

        foreach (var request in new[]
        {
            new RevokeCertificateRequest { Certificate = reference, Reason = RevocationReason.RemoveFromCrl },
            new RevokeCertificateRequest { Certificate = reference, InvalidityDate = clock.GetUtcNow().AddMinutes(1) },
            new RevokeCertificateRequest { Certificate = reference, Comment = new string('x', 1001) },
        })
        {
            var ex = await Assert.ThrowsAsync<PkiException>(() => pki.Revocation.RevokeAsync(request).AsTask());
            Assert.Equal(PkiErrorCode.InvalidRequest, ex.Code);
        }

        Assert.Equal(CertificateStatus.Active, (await pki.Revocation.GetStatusAsync(reference)).Status);
    }

    [Fact]
    public async Task Hold_then_reactivate_then_revoke_for_good_then_reactivate_fails()
    {
        using var pki = await RevocationFixture.CreateAsync();
        var client = await pki.IssueClientAsync();

        Assert.Equal(CertificateStatus.OnHold, (await pki.RevokeAsync(client, RevocationReason.CertificateHold)).Status);
        var active = await pki.ReactivateAsync(client);
        Assert.Equal(CertificateStatus.Active, active.Status);
        Assert.Null(active.RevocationReason);
        Assert.Null(active.RevokedAt);

        var notHeld = await Assert.ThrowsAsync<PkiException>(() => pki.ReactivateAsync(client));
        Assert.Equal(PkiErrorCode.Conflict, notHeld.Code);

        await pki.RevokeAsync(client, RevocationReason.CertificateHold);
        Assert.Equal(CertificateStatus.Revoked, (await pki.RevokeAsync(client, RevocationReason.KeyCompromise)).Status);
        var final = await Assert.ThrowsAsync<PkiException>(() => pki.ReactivateAsync(client));
        Assert.Equal(PkiErrorCode.AlreadyRevoked, final.Code);
    }

    [Fact]
    public async Task Revoking_an_expired_certificate_is_allowed_and_it_is_listed_on_one_crl_before_it_drops_off()
    {
        var clock = PkiTestHost.FakeClock();
        using var pki = await RevocationFixture.CreateAsync(time: clock);
        var shortLived = await pki.IssueClientAsync("short@example.com", validityDays: 1);
        var longLived = await pki.IssueClientAsync("long@example.com", validityDays: 30);
        await pki.RevokeAsync(longLived);
        clock.Advance(TimeSpan.FromDays(2));

        Assert.Equal(CertificateStatus.Revoked, (await pki.RevokeAsync(shortLived)).Status);
        clock.Advance(TimeSpan.FromMinutes(1));
        var first = await CrlAsync(pki);
        clock.Advance(TimeSpan.FromHours(1));
        var second = await CrlAsync(pki);

        Assert.Contains(shortLived.Record.SerialNumberHex, first.Entries.Keys); // RFC 5280 5.1.2.6: listed once after expiry
        Assert.DoesNotContain(shortLived.Record.SerialNumberHex, second.Entries.Keys);
        Assert.Contains(longLived.Record.SerialNumberHex, second.Entries.Keys);
    }

    [Fact]
    public async Task A_certificate_revoked_shortly_before_it_expires_appears_on_a_crl_issued_after_its_expiry()
    {
        var clock = PkiTestHost.FakeClock();
        using var pki = await RevocationFixture.CreateAsync(time: clock);
        var leaf = await pki.IssueClientAsync("leaf@example.com", validityDays: 1);
        var empty = await CrlAsync(pki);
        clock.Advance(TimeSpan.FromHours(23));
        await pki.RevokeAsync(leaf);
        clock.Advance(TimeSpan.FromHours(2)); // the certificate expired an hour ago; no CRL was made in between

        var afterExpiry = await CrlAsync(pki);
        var delta = CrlContents.Read((await pki.Revocation.CreateDeltaCrlAsync(CaReference.ById(pki.Issuing.Id))).Der);
        clock.Advance(TimeSpan.FromHours(1));
        var later = await CrlAsync(pki);

        Assert.Empty(empty.Entries);
        Assert.Contains(leaf.Record.SerialNumberHex, afterExpiry.Entries.Keys);
        Assert.DoesNotContain(leaf.Record.SerialNumberHex, later.Entries.Keys); // listed beyond its validity once: may go
        Assert.Empty(delta.Entries); // nothing changed since its base (the CRL after expiry)
    }

    [Fact]
    public async Task GetDeltaCrl_serves_the_last_delta_while_it_says_everything()
    {
        var clock = PkiTestHost.FakeClock();
        using var pki = await RevocationFixture.CreateAsync(time: clock);
        var ca = CaReference.ById(pki.Issuing.Id);
        var first = await pki.Revocation.GetDeltaCrlAsync(ca);
        clock.Advance(TimeSpan.FromMinutes(1));
        var again = await pki.Revocation.GetDeltaCrlAsync(ca);
        Assert.Equal(first.Number, again.Number); // nothing changed: no new signature

        var revoked = await pki.IssueClientAsync("gone@example.com");
        await pki.RevokeAsync(revoked);
        clock.Advance(TimeSpan.FromSeconds(10));
        var afterRevocation = await pki.Revocation.GetDeltaCrlAsync(ca);
        Assert.True(afterRevocation.Number > again.Number);
        Assert.Contains(revoked.Record.SerialNumberHex, CrlContents.Read(afterRevocation.Der).Entries.Keys);

        clock.Advance(TimeSpan.FromMinutes(1));
        var full = await pki.Revocation.CreateCrlAsync(ca);
        var onNewBase = await pki.Revocation.GetDeltaCrlAsync(ca);
        Assert.Equal(full.Number, onNewBase.BaseCrlNumber); // a delta on an older base is not served

        clock.Advance(TimeSpan.FromHours(13)); // past half of the delta's day of validity
        Assert.True((await pki.Revocation.GetDeltaCrlAsync(ca)).Number > onNewBase.Number);
    }

    private static async Task<CrlContents> CrlAsync(RevocationFixture pki) =>
        CrlContents.Read((await pki.Revocation.CreateCrlAsync(CaReference.ById(pki.Issuing.Id))).Der);

    [Fact]
    public async Task KeepExpiredOnCrl_keeps_expired_entries()
    {
        var clock = PkiTestHost.FakeClock();
        using var pki = await RevocationFixture.CreateAsync(o => o.Revocation.KeepExpiredOnCrl = true, clock);
        var shortLived = await pki.IssueClientAsync("short@example.com", validityDays: 1);
        await pki.RevokeAsync(shortLived);
        clock.Advance(TimeSpan.FromDays(2));

        var crl = CrlContents.Read((await pki.Revocation.CreateCrlAsync(CaReference.ById(pki.Issuing.Id))).Der);
        Assert.Contains(shortLived.Record.SerialNumberHex, crl.Entries.Keys);
    }

    [Fact]
    public async Task Revoking_a_CA_certificate_makes_issuance_from_it_fail_and_a_hold_is_undone_by_reactivation()
    {
        using var pki = await RevocationFixture.CreateAsync();
        var caCertificate = CertificateReference.BySerialNumber(CaReference.ById(pki.Root.Id), pki.Issuing.SerialNumber);

        await pki.Revocation.RevokeAsync(new RevokeCertificateRequest { Certificate = caCertificate, Reason = RevocationReason.CertificateHold });
        Assert.Equal(AuthorityStatus.Revoked, (await pki.Host.Authority.GetAsync(CaReference.ById(pki.Issuing.Id))).Status);
        var held = await Assert.ThrowsAsync<PkiException>(() => pki.IssueClientAsync());
        Assert.Equal(PkiErrorCode.AuthorityUnavailable, held.Code);

        await pki.Revocation.ReactivateAsync(caCertificate);
        Assert.Equal(AuthorityStatus.Active, (await pki.Host.Authority.GetAsync(CaReference.ById(pki.Issuing.Id))).Status);
        await pki.IssueClientAsync();

        await pki.Revocation.RevokeAsync(new RevokeCertificateRequest { Certificate = caCertificate, Reason = RevocationReason.CACompromise });
        var revoked = await Assert.ThrowsAsync<PkiException>(() => pki.IssueClientAsync());
        Assert.Equal(PkiErrorCode.AuthorityUnavailable, revoked.Code);

        // A revoked CA still signs its CRL (RFC 5280 section 3.3).
        var crl = await pki.Revocation.CreateCrlAsync(CaReference.ById(pki.Issuing.Id));
        Assert.True(crl.Number > 0);
    }

    [Fact]
    public async Task Asynchronous_publication_shows_pending_statuses_until_PublishAsync()
    {
        using var pki = await RevocationFixture.CreateAsync(o => o.Revocation.AsynchronousPublication = true);
        var revokedLater = await pki.IssueClientAsync("a@example.com");
        var heldLater = await pki.IssueClientAsync("b@example.com");
        var issuing = CaReference.ById(pki.Issuing.Id);

        Assert.Equal(CertificateStatus.PendingRevocation, (await pki.RevokeAsync(revokedLater)).Status);
        Assert.Equal(CertificateStatus.PendingRevocation, (await pki.RevokeAsync(heldLater, RevocationReason.CertificateHold)).Status);
        Assert.Empty(CrlContents.Read((await pki.Revocation.CreateCrlAsync(issuing)).Der).Entries);

        var published = CrlContents.Read((await pki.Revocation.PublishAsync(issuing)).Der);
        Assert.Equal(CertificateStatus.Revoked, (await pki.Revocation.GetStatusAsync(CertificateReference.ById(revokedLater.Record.Id))).Status);
        Assert.Equal(CertificateStatus.OnHold, (await pki.Revocation.GetStatusAsync(CertificateReference.ById(heldLater.Record.Id))).Status);
        Assert.Equal((int)RevocationReason.KeyCompromise, published.Entries[revokedLater.Record.SerialNumberHex].Reason);
        Assert.Equal((int)RevocationReason.CertificateHold, published.Entries[heldLater.Record.SerialNumberHex].Reason);

        Assert.Equal(CertificateStatus.PendingReactivation, (await pki.ReactivateAsync(heldLater)).Status);
        Assert.Contains(heldLater.Record.SerialNumberHex, CrlContents.Read((await pki.Revocation.CreateCrlAsync(issuing)).Der).Entries.Keys);
        var after = CrlContents.Read((await pki.Revocation.PublishAsync(issuing)).Der);
        Assert.DoesNotContain(heldLater.Record.SerialNumberHex, after.Entries.Keys);
        Assert.Equal(CertificateStatus.Active, (await pki.Revocation.GetStatusAsync(CertificateReference.ById(heldLater.Record.Id))).Status);
    }

    [Fact]
    public async Task Delta_CRL_lists_changes_since_its_base_with_removeFromCRL_for_reactivations()
    {
        var clock = PkiTestHost.FakeClock();
        using var pki = await RevocationFixture.CreateAsync(time: clock);
        var before = await pki.IssueClientAsync("before@example.com");
        var held = await pki.IssueClientAsync("held@example.com");
        var after = await pki.IssueClientAsync("after@example.com");
        await pki.RevokeAsync(before);
        await pki.RevokeAsync(held, RevocationReason.CertificateHold);
        var issuing = CaReference.ById(pki.Issuing.Id);
        clock.Advance(TimeSpan.FromMinutes(1)); // changes within a few seconds of the base are repeated in the delta, on purpose
        var full = await pki.Revocation.CreateCrlAsync(issuing);
        clock.Advance(TimeSpan.FromMinutes(10));

        await pki.ReactivateAsync(held);
        await pki.RevokeAsync(after, RevocationReason.AffiliationChanged);
        var delta = await pki.Revocation.CreateDeltaCrlAsync(issuing);
        var contents = CrlContents.Read(delta.Der);

        Assert.Equal(full.Number, (long)contents.BaseNumber!.Value);
        Assert.Equal(delta.Number, (long)contents.Number);
        Assert.Equal(2, contents.Entries.Count);
        Assert.Equal((int)RevocationReason.RemoveFromCrl, contents.Entries[held.Record.SerialNumberHex].Reason);
        Assert.Equal((int)RevocationReason.AffiliationChanged, contents.Entries[after.Record.SerialNumberHex].Reason);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromDays(1), delta.NextUpdate);
    }

    [Fact]
    public async Task GetCrlAsync_reuses_a_fresh_CRL_and_makes_a_new_one_after_a_change()
    {
        var clock = PkiTestHost.FakeClock();
        using var pki = await RevocationFixture.CreateAsync(time: clock);
        var client = await pki.IssueClientAsync();
        var issuing = CaReference.ById(pki.Issuing.Id);
        var first = await pki.Revocation.GetCrlAsync(issuing);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(first.Number, (await pki.Revocation.GetCrlAsync(issuing)).Number);

        await pki.RevokeAsync(client);
        var second = await pki.Revocation.GetCrlAsync(issuing);
        Assert.True(second.Number > first.Number);
        Assert.Contains(client.Record.SerialNumberHex, CrlContents.Read(second.Der).Entries.Keys);

        clock.Advance(TimeSpan.FromDays(4)); // more than half of the 7-day validity
        Assert.True((await pki.Revocation.GetCrlAsync(issuing)).Number > second.Number);
    }
}
