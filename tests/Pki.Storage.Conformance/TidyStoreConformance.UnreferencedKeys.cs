using System.Security.Cryptography;
using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>The guarantees of <see cref="IPrivateKeyStore.PurgeUnreferencedAsync"/>.</summary>
public abstract partial class TidyStoreConformance
{
    private static StoredPrivateKey SigningKey(DateTimeOffset createdAt) => ConformanceRecords.PrivateKey() with { CreatedAt = createdAt };

    private static async Task<List<string>> AllKeyIdsAsync(IPrivateKeyStore keys) =>
        [.. (await ReadAsync(keys.ListAsync(new PrivateKeyQuery { Limit = 10_000 }, NoCancellation))).Select(k => k.Id).Order(StoreIdOrder.Instance)];

    [Fact]
    public async Task Only_unreferenced_signing_keys_stored_before_the_cutoff_go()
    {
        var stores = await NewStoresAsync();
        var old = Cutoff.AddDays(-2);
        var orphan = SigningKey(old);
        var atCutoff = SigningKey(Cutoff);
        var recent = SigningKey(Cutoff.AddMinutes(1));
        var caKey = SigningKey(old);
        var alternativeKey = SigningKey(old);
        var responderKey = SigningKey(old);
        var certificateKey = SigningKey(old);
        var escrowed = SigningKey(old) with { EscrowIndex = RandomNumberGenerator.GetBytes(32) };
        foreach (var key in new[] { orphan, atCutoff, recent, caKey, alternativeKey, responderKey, certificateKey, escrowed })
        {
            await stores.Keys.AddAsync(key, NoCancellation);
        }

        var authority = ConformanceRecords.Authority() with { KeyId = caKey.Id, AlternativeKeyId = alternativeKey.Id };
        await stores.Authorities.AddAsync(authority, NoCancellation);
        var ca = new AuthoritySummary(authority.Id, authority.Name);
        var certificate = Expiring(ca, TimeSpan.FromDays(30)) with { PrivateKeyId = certificateKey.Id };
        await stores.Certificates.AddAsync(certificate, NoCancellation);
        await stores.Revocation.SetOcspResponderAsync(new OcspResponderRecord(authority.Id, certificate.Id, responderKey.Id, "PEM", Cutoff.AddDays(30)), NoCancellation);

        int removed = await stores.Keys.PurgeUnreferencedAsync(new PrivateKeyPurge(Cutoff, 100), NoCancellation);

        Assert.Equal(1, removed);
        Assert.Null(await stores.Keys.GetAsync(orphan.Id, NoCancellation));
        Assert.Equal(
            SortedOrdinal([atCutoff.Id, recent.Id, caKey.Id, alternativeKey.Id, responderKey.Id, certificateKey.Id, escrowed.Id]),
            await AllKeyIdsAsync(stores.Keys));
        Assert.Equal(0, await stores.Keys.PurgeUnreferencedAsync(new PrivateKeyPurge(Cutoff, 100), NoCancellation));
    }

    [Fact]
    public async Task Unreferenced_keys_go_in_batches_of_at_most_the_limit_and_repeated_calls_drain_them()
    {
        var stores = await NewStoresAsync();
        var orphans = Enumerable.Range(0, 7).Select(_ => SigningKey(Cutoff.AddDays(-3))).ToList();
        foreach (var key in orphans)
        {
            await stores.Keys.AddAsync(key, NoCancellation);
        }

        var batches = new List<int>();
        int removed;
        do
        {
            removed = await stores.Keys.PurgeUnreferencedAsync(new PrivateKeyPurge(Cutoff, 3), NoCancellation);
            batches.Add(removed);
        }
        while (removed == 3);

        Assert.Equal([3, 3, 1], batches);
        Assert.Empty(await AllKeyIdsAsync(stores.Keys));
    }

    [Fact]
    public async Task A_reference_stored_before_the_purge_keeps_the_key_and_a_replaced_responder_key_goes()
    {
        var stores = await NewStoresAsync();
        var first = SigningKey(Cutoff.AddDays(-5));
        var second = SigningKey(Cutoff.AddDays(-5));
        var caKey = SigningKey(Cutoff.AddDays(-5));
        foreach (var key in new[] { first, second, caKey })
        {
            await stores.Keys.AddAsync(key, NoCancellation);
        }

        var authority = ConformanceRecords.Authority() with { KeyId = caKey.Id };
        await stores.Authorities.AddAsync(authority, NoCancellation);
        await stores.Revocation.SetOcspResponderAsync(new OcspResponderRecord(authority.Id, "c1", first.Id, "PEM", Cutoff.AddDays(30)), NoCancellation);
        await stores.Revocation.SetOcspResponderAsync(new OcspResponderRecord(authority.Id, "c2", second.Id, "PEM", Cutoff.AddDays(30)), NoCancellation);

        Assert.Equal(1, await stores.Keys.PurgeUnreferencedAsync(new PrivateKeyPurge(Cutoff, 100), NoCancellation));
        Assert.Equal(SortedOrdinal([second.Id, caKey.Id]), await AllKeyIdsAsync(stores.Keys));
    }

    [Fact]
    public async Task A_limit_below_one_is_refused()
    {
        var stores = await NewStoresAsync();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await stores.Keys.PurgeUnreferencedAsync(new PrivateKeyPurge(Cutoff, 0), NoCancellation));
    }
}
