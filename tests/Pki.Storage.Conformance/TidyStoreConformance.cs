using System.Security.Cryptography;
using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>
/// The guarantees of the purge operations tidy uses: only eligible records go, at most the limit per call, repeated calls
/// drain, CA certificates, referenced certificates, shared and CA keys and the latest CRLs stay, and every CRL saved is
/// kept until purged.
/// </summary>
public abstract partial class TidyStoreConformance : StoreConformanceBase
{
    private static readonly DateTimeOffset Cutoff = ConformanceRecords.BaseTime;

    /// <summary>Creates fresh, empty stores over one database.</summary>
    protected abstract ValueTask<TidyStores> CreateStoresAsync();

    private async Task<TidyStores> NewStoresAsync()
    {
        var stores = await CreateStoresAsync();
        foreach (object store in new object[] { stores.Certificates, stores.Tokens, stores.Revocation, stores.Keys, stores.Authorities }.Distinct(ReferenceEqualityComparer.Instance))
        {
            Track(store);
        }

        return stores;
    }

    /// <summary>An active certificate without key or token that expires <paramref name="expiresIn"/> after the cutoff.</summary>
    protected static CertificateRecord Expiring(AuthoritySummary authority, TimeSpan expiresIn) =>
        ConformanceRecords.Certificate(authority) with
        {
            Status = CertificateStatus.Active,
            RevokedAt = null,
            TokenId = null,
            PrivateKeyId = null,
            IssuedOn = Cutoff.AddDays(-400),
            ExpiresOn = Cutoff + expiresIn,
        };

    private static StoredPrivateKey EscrowedKey() => ConformanceRecords.PrivateKey() with { EscrowIndex = RandomNumberGenerator.GetBytes(32) };

    private static async Task<List<string>> AllCertificateIdsAsync(ICertificateStore store) =>
        [.. (await ReadAllPagesAsync((after, size) => store.QueryAsync(new CertificateQuery { After = after, Limit = size }, NoCancellation), c => c.Id, 7)).Select(c => c.Id)];

    [Fact]
    public async Task Only_expired_end_entity_certificates_go_and_every_other_record_is_untouched()
    {
        var stores = await NewStoresAsync();
        var ca = ConformanceRecords.NewAuthoritySummary();
        var expired = Expiring(ca, TimeSpan.FromSeconds(-1));
        var atCutoff = Expiring(ca, TimeSpan.Zero);
        var valid = Expiring(ca, TimeSpan.FromDays(30));
        var caCertificate = Expiring(ca, TimeSpan.FromDays(-30)) with { Type = CertificateType.CertificateAuthority };
        var revoked = Expiring(ca, TimeSpan.FromDays(-30)) with { Status = CertificateStatus.Revoked, RevokedAt = Cutoff.AddDays(-60) };
        foreach (var record in new[] { expired, atCutoff, valid, caCertificate, revoked })
        {
            await stores.Certificates.AddAsync(record, NoCancellation);
        }

        var result = await stores.Certificates.PurgeExpiredAsync(new CertificatePurge(Cutoff, 100), NoCancellation);

        Assert.Equal(new CertificatePurgeResult(2, 0), result);
        Assert.Equal(SortedOrdinal([atCutoff.Id, valid.Id, caCertificate.Id]), await AllCertificateIdsAsync(stores.Certificates));
        Assert.Equal(valid, await stores.Certificates.GetAsync(valid.Id, NoCancellation));
        Assert.Null(await stores.Certificates.FindBySerialNumberAsync(ca.Id, expired.SerialNumber, NoCancellation));
        Assert.Empty(await ReadAsync(stores.Revocation.ListEntriesAsync(new RevocationEntryQuery { AuthorityId = ca.Id }, NoCancellation)));
    }

    [Fact]
    public async Task Keeping_certificates_that_are_not_active_keeps_revoked_held_and_pending_ones()
    {
        var stores = await NewStoresAsync();
        var ca = ConformanceRecords.NewAuthoritySummary();
        var active = Expiring(ca, TimeSpan.FromDays(-1));
        var notActive = new[] { CertificateStatus.Revoked, CertificateStatus.OnHold, CertificateStatus.PendingRevocation, CertificateStatus.PendingReactivation }
            .Select(status => Expiring(ca, TimeSpan.FromDays(-1)) with { Status = status, RevokedAt = Cutoff.AddDays(-5) })
            .ToList();
        await stores.Certificates.AddAsync(active, NoCancellation);
        foreach (var record in notActive)
        {
            await stores.Certificates.AddAsync(record, NoCancellation);
        }

        var kept = await stores.Certificates.PurgeExpiredAsync(new CertificatePurge(Cutoff, 100) { KeepNotActive = true }, NoCancellation);

        Assert.Equal(1, kept.Certificates);
        Assert.Equal(SortedOrdinal(notActive.Select(r => r.Id)), await AllCertificateIdsAsync(stores.Certificates));
        Assert.Equal(4, (await stores.Certificates.PurgeExpiredAsync(new CertificatePurge(Cutoff, 100), NoCancellation)).Certificates);
        Assert.Empty(await AllCertificateIdsAsync(stores.Certificates));
    }

    [Fact]
    public async Task Published_by_keeps_what_the_cas_latest_full_crl_does_not_reflect_and_authority_scopes_the_purge()
    {
        var stores = await NewStoresAsync();
        var ca = ConformanceRecords.NewAuthoritySummary();
        var other = ConformanceRecords.NewAuthoritySummary();
        var thisUpdate = Cutoff.AddDays(-10); // the CA's latest full CRL was issued here
        var neverRevoked = Expiring(ca, TimeSpan.FromDays(-1)) with { StatusChangedAt = null };
        // Changed before the CRL read its entries (their sequence numbers are up to its ChangesThrough) ...
        var revokedListedAfterExpiry = Expiring(ca, TimeSpan.FromDays(-20)) with { Status = CertificateStatus.Revoked, RevokedAt = Cutoff.AddDays(-30), StatusChangedAt = Cutoff.AddDays(-30) };
        var revokedExpiredAfterCrl = Expiring(ca, TimeSpan.FromDays(-5)) with { Status = CertificateStatus.Revoked, RevokedAt = Cutoff.AddDays(-30), StatusChangedAt = Cutoff.AddDays(-30) };
        var reactivatedBeforeCrl = Expiring(ca, TimeSpan.FromDays(-1)) with { StatusChangedAt = Cutoff.AddDays(-20) };
        // ... and after: their clock readings claim earlier, which must not matter (hosts' clocks disagree).
        var revokedAfterCrl = Expiring(ca, TimeSpan.FromDays(-20)) with { Status = CertificateStatus.Revoked, RevokedAt = Cutoff.AddDays(-40), StatusChangedAt = Cutoff.AddDays(-40) };
        var reactivatedAfterCrl = Expiring(ca, TimeSpan.FromDays(-1)) with { StatusChangedAt = Cutoff.AddDays(-40) };
        var otherCa = Expiring(other, TimeSpan.FromDays(-1));
        foreach (var record in new[] { neverRevoked, revokedListedAfterExpiry, revokedExpiredAfterCrl, reactivatedBeforeCrl, otherCa })
        {
            await stores.Certificates.AddAsync(record, NoCancellation);
        }

        long changesThrough = await stores.Revocation.GetLastChangeSequenceAsync(ca.Id, NoCancellation);
        Assert.Equal(3, changesThrough); // each record added with a status history took the CA's next number
        foreach (var record in new[] { revokedAfterCrl, reactivatedAfterCrl })
        {
            await stores.Certificates.AddAsync(record, NoCancellation);
        }

        var published = new CrlCoverage(changesThrough, thisUpdate);
        var result = await stores.Certificates.PurgeExpiredAsync(new CertificatePurge(Cutoff, 100) { AuthorityId = ca.Id, PublishedBy = published }, NoCancellation);

        Assert.Equal(3, result.Certificates);
        Assert.Equal(SortedOrdinal([revokedExpiredAfterCrl.Id, revokedAfterCrl.Id, reactivatedAfterCrl.Id, otherCa.Id]), await AllCertificateIdsAsync(stores.Certificates));
    }

    [Fact]
    public async Task Each_call_removes_at_most_the_limit_and_repeated_calls_drain()
    {
        var stores = await NewStoresAsync();
        var ca = ConformanceRecords.NewAuthoritySummary();
        var keep = Expiring(ca, TimeSpan.FromDays(1));
        await stores.Certificates.AddAsync(keep, NoCancellation);
        for (int i = 0; i < 10; i++)
        {
            await stores.Certificates.AddAsync(Expiring(ca, TimeSpan.FromDays(-1 - i)), NoCancellation);
        }

        var counts = new List<int>();
        for (int batch = 0; batch < 5; batch++)
        {
            counts.Add((await stores.Certificates.PurgeExpiredAsync(new CertificatePurge(Cutoff, 3), NoCancellation)).Certificates);
        }

        Assert.Equal([3, 3, 3, 1, 0], counts);
        Assert.Equal([keep.Id], await AllCertificateIdsAsync(stores.Certificates));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => stores.Certificates.PurgeExpiredAsync(new CertificatePurge(Cutoff, 0), NoCancellation).AsTask());
    }

    [Fact]
    public async Task A_certificate_a_token_references_stays_until_the_token_is_purged()
    {
        var stores = await NewStoresAsync();
        var ca = ConformanceRecords.NewAuthoritySummary();
        var token = ConformanceTokens.Token(ca);
        await stores.Tokens.AddAsync(token, NoCancellation);
        var redeemed = Expiring(ca, TimeSpan.FromDays(-1));
        var redeemedAt = token.Token.CreatedAt.AddHours(1);
        await stores.Tokens.RedeemAsync(token.Token.Id, redeemed, redeemedAt, NoCancellation);

        Assert.Equal(0, (await stores.Certificates.PurgeExpiredAsync(new CertificatePurge(Cutoff, 100), NoCancellation)).Certificates);
        Assert.Equal(0, await stores.Tokens.PurgeAsync(redeemedAt, 100, NoCancellation));
        Assert.Equal(1, await stores.Tokens.PurgeAsync(redeemedAt.AddTicks(1), 100, NoCancellation));
        Assert.Null(await stores.Tokens.GetAsync(token.Token.Id, NoCancellation));
        Assert.Null(await stores.Tokens.FindByHashAsync(token.SecretHash, NoCancellation));

        Assert.Equal(1, (await stores.Certificates.PurgeExpiredAsync(new CertificatePurge(Cutoff, 100), NoCancellation)).Certificates);
        Assert.Null(await stores.Certificates.GetAsync(redeemed.Id, NoCancellation));
    }

    [Fact]
    public async Task Escrowed_keys_go_with_the_last_certificate_referencing_them_and_CA_keys_never()
    {
        var stores = await NewStoresAsync();
        var ca = ConformanceRecords.NewAuthoritySummary();
        var alone = EscrowedKey();
        var shared = EscrowedKey();
        var caKey = ConformanceRecords.PrivateKey();
        var unlinked = EscrowedKey();
        foreach (var key in new[] { alone, shared, caKey, unlinked })
        {
            await stores.Keys.AddAsync(key, NoCancellation);
        }

        var purgedAlone = Expiring(ca, TimeSpan.FromDays(-2)) with { PrivateKeyId = alone.Id };
        var purgedShared = Expiring(ca, TimeSpan.FromDays(-2)) with { PrivateKeyId = shared.Id };
        var renewedShared = Expiring(ca, TimeSpan.FromDays(300)) with { PrivateKeyId = shared.Id };
        var purgedCaKey = Expiring(ca, TimeSpan.FromDays(-2)) with { PrivateKeyId = caKey.Id };
        var missingKey = Expiring(ca, TimeSpan.FromDays(-2)) with { PrivateKeyId = ConformanceRecords.NewId() };
        foreach (var record in new[] { purgedAlone, purgedShared, renewedShared, purgedCaKey, missingKey })
        {
            await stores.Certificates.AddAsync(record, NoCancellation);
        }

        var result = await stores.Certificates.PurgeExpiredAsync(new CertificatePurge(Cutoff, 100), NoCancellation);

        Assert.Equal(new CertificatePurgeResult(4, 1), result);
        Assert.Null(await stores.Keys.GetAsync(alone.Id, NoCancellation));
        Assert.Null(await stores.Keys.FindByEscrowIndexAsync(alone.EscrowIndex, NoCancellation));
        Assert.NotNull(await stores.Keys.GetAsync(shared.Id, NoCancellation));
        Assert.NotNull(await stores.Keys.GetAsync(caKey.Id, NoCancellation));
        Assert.NotNull(await stores.Keys.GetAsync(unlinked.Id, NoCancellation));
        Assert.Equal([renewedShared.Id], await AllCertificateIdsAsync(stores.Certificates));
    }

    [Fact]
    public async Task Finished_tokens_go_after_the_instant_and_live_ones_stay()
    {
        var stores = await NewStoresAsync();
        var ca = ConformanceRecords.NewAuthoritySummary();
        var before = ConformanceRecords.BaseTime.AddDays(30);

        async Task<StoredRequestToken> AddAsync(DateTimeOffset expiresAt)
        {
            var token = ConformanceTokens.Token(ca);
            token = token with { Token = token.Token with { ExpiresAt = expiresAt } };
            await stores.Tokens.AddAsync(token, NoCancellation);
            return token;
        }

        var expired = await AddAsync(before.AddSeconds(-1));
        var expiringAtInstant = await AddAsync(before);
        var live = await AddAsync(before.AddDays(1));
        var deletedEarly = await AddAsync(before.AddDays(5));
        var deletedLate = await AddAsync(before.AddDays(5));
        var usedEarly = await AddAsync(before.AddDays(5));
        var usedLate = await AddAsync(before.AddDays(5));
        await stores.Tokens.DeleteAsync(deletedEarly.Token.Id, before.AddDays(-1), NoCancellation);
        await stores.Tokens.DeleteAsync(deletedLate.Token.Id, before, NoCancellation);
        await stores.Tokens.RedeemAsync(usedEarly.Token.Id, ConformanceTokens.Certificate(ca), before.AddDays(-1), NoCancellation);
        await stores.Tokens.RedeemAsync(usedLate.Token.Id, ConformanceTokens.Certificate(ca), before, NoCancellation);

        Assert.Equal(2, await stores.Tokens.PurgeAsync(before, 2, NoCancellation));
        Assert.Equal(1, await stores.Tokens.PurgeAsync(before, 2, NoCancellation));
        Assert.Equal(0, await stores.Tokens.PurgeAsync(before, 2, NoCancellation));

        var left = await ReadAllPagesAsync((after, size) => stores.Tokens.ListAsync(new RequestTokenQuery { After = after, Limit = size }, before, NoCancellation), t => t.Id, 5);
        Assert.Equal(SortedOrdinal([expiringAtInstant.Token.Id, live.Token.Id, deletedLate.Token.Id, usedLate.Token.Id]), left.Select(t => t.Id).ToList());
        Assert.NotNull(await stores.Tokens.FindByHashAsync(live.SecretHash, NoCancellation));
        Assert.Null(await stores.Tokens.FindByHashAsync(expired.SecretHash, NoCancellation));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => stores.Tokens.PurgeAsync(before, 0, NoCancellation).AsTask());
    }

    [Fact]
    public async Task Every_saved_CRL_is_kept_until_superseded_and_old_and_the_latest_of_each_kind_always_stays()
    {
        var stores = await NewStoresAsync();
        string ca = ConformanceRecords.NewId();
        string other = ConformanceRecords.NewId();
        var old = Cutoff.AddDays(-1);
        foreach (var crl in new[] { Crl(ca, 1, null, old), Crl(ca, 2, 1, old), Crl(ca, 3, 1, old), Crl(ca, 5, null, old), Crl(ca, 4, null, old), Crl(ca, 6, 5, old), Crl(ca, 7, null, Cutoff), Crl(ca, 8, null, Cutoff.AddDays(1)), Crl(other, 1, null, old) })
        {
            await stores.Revocation.SaveCrlAsync(crl, NoCancellation);
        }

        await stores.Revocation.SaveCrlAsync(Crl(ca, 1, null, old), NoCancellation); // saving a stored number again changes nothing

        Assert.Equal(8, (await stores.Revocation.GetLatestCrlAsync(ca, delta: false, NoCancellation))!.Number);
        Assert.Equal(6, (await stores.Revocation.GetLatestCrlAsync(ca, delta: true, NoCancellation))!.Number);

        // Superseded and nextUpdate before the cutoff: full 1, 4, 5; delta 2, 3. Full 7 is at the cutoff, 8 and delta 6 are the latest.
        Assert.Equal(3, await stores.Revocation.PurgeCrlsAsync(Cutoff, 3, NoCancellation));
        Assert.Equal(2, await stores.Revocation.PurgeCrlsAsync(Cutoff, 3, NoCancellation));
        Assert.Equal(0, await stores.Revocation.PurgeCrlsAsync(Cutoff, 3, NoCancellation));

        Assert.Equal(8, (await stores.Revocation.GetLatestCrlAsync(ca, delta: false, NoCancellation))!.Number);
        Assert.Equal(6, (await stores.Revocation.GetLatestCrlAsync(ca, delta: true, NoCancellation))!.Number);
        Assert.Equal(1, (await stores.Revocation.GetLatestCrlAsync(other, delta: false, NoCancellation))!.Number);

        // Far in the future, only the latest full and delta CRL of each CA remain: 7 goes.
        Assert.Equal(1, await stores.Revocation.PurgeCrlsAsync(Cutoff.AddYears(10), 100, NoCancellation));
        Assert.Equal(0, await stores.Revocation.PurgeCrlsAsync(Cutoff.AddYears(10), 100, NoCancellation));
        Assert.Equal(8, (await stores.Revocation.GetLatestCrlAsync(ca, delta: false, NoCancellation))!.Number);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => stores.Revocation.PurgeCrlsAsync(Cutoff, 0, NoCancellation).AsTask());
    }

    private static CertificateRevocationList Crl(string authorityId, long number, long? baseNumber, DateTimeOffset nextUpdate) => new()
    {
        AuthorityId = authorityId,
        Number = number,
        BaseCrlNumber = baseNumber,
        ThisUpdate = nextUpdate.AddDays(-7),
        NextUpdate = nextUpdate,
        CreatedAt = nextUpdate.AddDays(-7),
        EntryCount = 0,
        Der = RandomNumberGenerator.GetBytes(64),
    };
}
