using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>
/// The guarantees every <see cref="IPrivateKeyStore"/> makes. A provider's test project derives from this class and
/// implements <see cref="CreateStoreAsync"/>; every test gets a fresh, empty store.
/// </summary>
public abstract class PrivateKeyStoreConformance : StoreConformanceBase
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
}
