using System.Security.Cryptography;
using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>
/// The guarantees every <see cref="IPrivateKeyStore"/> makes. A provider's test project derives from this class and
/// implements <see cref="CreateStoreAsync"/>; every test gets a fresh, empty store.
/// </summary>
public abstract partial class PrivateKeyStoreConformance : StoreConformanceBase
{
    /// <summary>Creates a fresh, empty store. If it is disposable, it is disposed after the test.</summary>
    protected abstract ValueTask<IPrivateKeyStore> CreateStoreAsync();

    private async Task<IPrivateKeyStore> NewStoreAsync() => Track(await CreateStoreAsync());

    [Theory]
    [InlineData(1)]
    [InlineData(300)]
    [InlineData(9000)]
    public async Task Add_then_Get_returns_the_same_key_bytes_and_fields(int size)
    {
        var store = await NewStoreAsync();
        var key = ConformanceRecords.PrivateKey(size: size) with { Algorithm = KeyAlgorithm.Rsa3072 };
        byte[] bytes = key.ProtectedPkcs8.ToArray();

        await store.AddAsync(key, NoCancellation);
        var loaded = await store.GetAsync(key.Id, NoCancellation);

        Assert.NotNull(loaded);
        Assert.Equal(key.Id, loaded.Id);
        Assert.Equal(KeyAlgorithm.Rsa3072, loaded.Algorithm);
        Assert.Equal(key.CreatedAt, loaded.CreatedAt);
        Assert.Equal(bytes, loaded.ProtectedPkcs8.ToArray());
    }

    [Fact]
    public async Task Keys_are_kept_apart_by_id()
    {
        var store = await NewStoreAsync();
        var keys = Enumerable.Range(0, 10).Select(_ => ConformanceRecords.PrivateKey()).ToList();
        foreach (var key in keys)
        {
            await store.AddAsync(key, NoCancellation);
        }

        foreach (var key in keys)
        {
            var loaded = await store.GetAsync(key.Id, NoCancellation);
            Assert.NotNull(loaded);
            Assert.Equal(key.ProtectedPkcs8.ToArray(), loaded.ProtectedPkcs8.ToArray());
        }
    }

    [Fact]
    public async Task Add_of_an_existing_id_throws_Conflict_and_keeps_the_original_bytes()
    {
        var store = await NewStoreAsync();
        var original = ConformanceRecords.PrivateKey();
        var sameId = ConformanceRecords.PrivateKey(id: original.Id) with { Algorithm = KeyAlgorithm.Ed25519 };
        await store.AddAsync(original, NoCancellation);

        var error = await Assert.ThrowsAnyAsync<PkiException>(async () => await store.AddAsync(sameId, NoCancellation));

        Assert.Equal(PkiErrorCode.Conflict, error.Code);
        var loaded = await store.GetAsync(original.Id, NoCancellation);
        Assert.NotNull(loaded);
        Assert.Equal(original.Algorithm, loaded.Algorithm);
        Assert.Equal(original.ProtectedPkcs8.ToArray(), loaded.ProtectedPkcs8.ToArray());
    }

    [Fact]
    public async Task Get_of_an_unknown_id_returns_null()
    {
        var store = await NewStoreAsync();
        await store.AddAsync(ConformanceRecords.PrivateKey(), NoCancellation);

        Assert.Null(await store.GetAsync(ConformanceRecords.NewId(), NoCancellation));
    }

    [Fact]
    public async Task FindBySubjectPublicKeyHash_finds_indexed_keys_only()
    {
        var store = await NewStoreAsync();
        byte[] hash = RandomNumberGenerator.GetBytes(32);
        var indexed = ConformanceRecords.PrivateKey() with { EscrowIndex = hash };
        var caKey = ConformanceRecords.PrivateKey();
        await store.AddAsync(caKey, NoCancellation);
        await store.AddAsync(indexed, NoCancellation);

        var found = await store.FindByEscrowIndexAsync(hash.ToArray(), NoCancellation);

        Assert.NotNull(found);
        Assert.Equal(indexed.Id, found.Id);
        Assert.Equal(hash, found.EscrowIndex.ToArray());
        Assert.Null(await store.FindByEscrowIndexAsync(RandomNumberGenerator.GetBytes(32), NoCancellation));
        Assert.Null(await store.FindByEscrowIndexAsync(ReadOnlyMemory<byte>.Empty, NoCancellation));
        Assert.True((await store.GetAsync(caKey.Id, NoCancellation))!.EscrowIndex.IsEmpty);
    }

    [Fact]
    public async Task FindBySubjectPublicKeyHash_with_several_matches_returns_the_smallest_id()
    {
        var store = await NewStoreAsync();
        byte[] hash = RandomNumberGenerator.GetBytes(32);
        var keys = Enumerable.Range(0, 5).Select(_ => ConformanceRecords.PrivateKey(id: ConformanceRecords.NewScatteredId()) with { EscrowIndex = hash }).ToList();
        foreach (var key in keys)
        {
            await store.AddAsync(key, NoCancellation);
        }

        var found = await store.FindByEscrowIndexAsync(hash, NoCancellation);

        Assert.Equal(SortedOrdinal(keys.Select(k => k.Id))[0], found!.Id);
    }

    [Fact]
    public async Task ListAsync_pages_through_every_key_in_ordinal_id_order()
    {
        var store = await NewStoreAsync();
        var ids = new List<string>();
        for (int i = 0; i < 23; i++)
        {
            var key = ConformanceRecords.PrivateKey(id: ConformanceRecords.NewScatteredId(), size: 40);
            ids.Add(key.Id);
            await store.AddAsync(key, NoCancellation);
        }

        var all = await ReadAllPagesAsync((after, limit) => store.ListAsync(new PrivateKeyQuery { After = after, Limit = limit }, NoCancellation), k => k.Id, pageSize: 5);

        Assert.Equal(SortedOrdinal(ids), all.Select(k => k.Id).ToList());
        AssertStrictlyAscending(all.Select(k => k.Id).ToList());
    }

    [Fact]
    public async Task ReplaceProtectedKey_is_a_compare_and_set_that_keeps_the_other_fields()
    {
        var store = await NewStoreAsync();
        byte[] hash = RandomNumberGenerator.GetBytes(32);
        var key = ConformanceRecords.PrivateKey() with { EscrowIndex = hash };
        await store.AddAsync(key, NoCancellation);
        byte[] replacement = RandomNumberGenerator.GetBytes(300);

        var stale = await Assert.ThrowsAnyAsync<PkiException>(async () =>
            await store.ReplaceProtectedKeyAsync(key.Id, RandomNumberGenerator.GetBytes(512), replacement, NoCancellation));
        Assert.Equal(PkiErrorCode.ConcurrencyConflict, stale.Code);
        Assert.Equal(key.ProtectedPkcs8.ToArray(), (await store.GetAsync(key.Id, NoCancellation))!.ProtectedPkcs8.ToArray());

        await store.ReplaceProtectedKeyAsync(key.Id, key.ProtectedPkcs8.ToArray(), replacement, NoCancellation);

        var loaded = await store.GetAsync(key.Id, NoCancellation);
        Assert.Equal(replacement, loaded!.ProtectedPkcs8.ToArray());
        Assert.Equal((key.Algorithm, key.CreatedAt), (loaded.Algorithm, loaded.CreatedAt));
        Assert.Equal(key.Id, (await store.FindByEscrowIndexAsync(hash, NoCancellation))!.Id);
        var missing = await Assert.ThrowsAnyAsync<PkiException>(async () =>
            await store.ReplaceProtectedKeyAsync(ConformanceRecords.NewId(), replacement, replacement, NoCancellation));
        Assert.Equal(PkiErrorCode.PrivateKeyNotFound, missing.Code);
    }

    [Fact]
    public async Task Concurrent_replacements_from_the_same_bytes_let_exactly_one_win()
    {
        var store = await NewStoreAsync();
        var key = ConformanceRecords.PrivateKey();
        await store.AddAsync(key, NoCancellation);
        byte[] expected = key.ProtectedPkcs8.ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            try
            {
                await store.ReplaceProtectedKeyAsync(key.Id, expected, RandomNumberGenerator.GetBytes(64), NoCancellation);
                return true;
            }
            catch (PkiException ex) when (ex.Code == PkiErrorCode.ConcurrencyConflict)
            {
                return false;
            }
        })));

        Assert.Equal(1, results.Count(r => r));
    }
}
