using System.Security.Cryptography;
using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>Bounds every store applies alike: the length of key ids (<see cref="StoreInputRules.MaximumIndexedLength"/>) and of public-key hashes.</summary>
public abstract partial class PrivateKeyStoreConformance
{
    [Theory]
    [InlineData(HostileText.IndexedBound + 1)]
    [InlineData(1_000)]
    public async Task Add_refuses_an_id_over_the_bound_with_InvalidRequest_and_finds_it_nowhere(int length)
    {
        var store = await NewStoreAsync();
        string id = HostileText.LongText(length);

        await HostileText.AssertRefusedAsync(async () => await store.AddAsync(ConformanceRecords.PrivateKey(id: id), NoCancellation), nameof(StoredPrivateKey.Id));

        Assert.Null(await store.GetAsync(id, NoCancellation));
        var replaceError = await Assert.ThrowsAsync<PkiException>(async () => await store.ReplaceProtectedKeyAsync(id, new byte[] { 1 }, new byte[] { 2 }, NoCancellation));
        Assert.Equal(PkiErrorCode.PrivateKeyNotFound, replaceError.Code);
        Assert.Empty(await ReadAsync(store.ListAsync(new PrivateKeyQuery(), NoCancellation)));
    }

    [Fact]
    public async Task An_id_at_the_bound_round_trips()
    {
        var store = await NewStoreAsync();
        var key = ConformanceRecords.PrivateKey(id: HostileText.LongText(HostileText.IndexedBound)) with { EscrowIndex = RandomNumberGenerator.GetBytes(32) };

        await store.AddAsync(key, NoCancellation);

        Assert.Equal(key.ProtectedPkcs8.ToArray(), (await store.GetAsync(key.Id, NoCancellation))!.ProtectedPkcs8.ToArray());
        Assert.Equal(key.Id, (await store.FindByEscrowIndexAsync(key.EscrowIndex, NoCancellation))?.Id);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(4_096)]
    public async Task Add_refuses_a_public_key_hash_that_is_neither_empty_nor_32_bytes_with_InvalidRequest(int length)
    {
        var store = await NewStoreAsync();
        var key = ConformanceRecords.PrivateKey() with { EscrowIndex = RandomNumberGenerator.GetBytes(length) };

        await HostileText.AssertRefusedAsync(async () => await store.AddAsync(key, NoCancellation), nameof(StoredPrivateKey.EscrowIndex));

        Assert.Null(await store.GetAsync(key.Id, NoCancellation));
    }
}
