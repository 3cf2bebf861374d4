using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>Hostile input: ids no store can hold, extreme paging values, hashes of any length.</summary>
public abstract partial class PrivateKeyStoreConformance
{
    /// <summary>The kinds of <see cref="HostileText.UnstorableKinds"/>.</summary>
    public static TheoryData<string> HostileKeyKinds() => HostileText.Kinds();

    [Theory]
    [MemberData(nameof(HostileKeyKinds))]
    public async Task Ids_no_store_can_hold_are_refused_on_add_and_found_nowhere(string kind)
    {
        var store = await NewStoreAsync();
        var key = ConformanceRecords.PrivateKey();
        await store.AddAsync(key, NoCancellation);
        string hostile = HostileText.Unstorable(kind, key.Id);
        var decoy = ConformanceRecords.PrivateKey(id: HostileText.AsReplaced(hostile));
        await store.AddAsync(decoy, NoCancellation);

        await HostileText.AssertRefusedAsync(async () => await store.AddAsync(ConformanceRecords.PrivateKey(id: hostile), NoCancellation), nameof(StoredPrivateKey.Id));
        Assert.Null(await store.GetAsync(hostile, NoCancellation));
        var replaceError = await Assert.ThrowsAsync<PkiException>(
            async () => await store.ReplaceProtectedKeyAsync(hostile, decoy.ProtectedPkcs8, new byte[] { 1, 2, 3 }, NoCancellation));
        Assert.Equal(PkiErrorCode.PrivateKeyNotFound, replaceError.Code);
        await HostileText.AssertRefusedAsync(
            async () => await ReadAsync(store.ListAsync(new PrivateKeyQuery { After = hostile }, NoCancellation)), nameof(PrivateKeyQuery.After));

        Assert.Equal(decoy.ProtectedPkcs8.ToArray(), (await store.GetAsync(decoy.Id, NoCancellation))!.ProtectedPkcs8.ToArray());
        Assert.Equal(2, (await ReadAsync(store.ListAsync(new PrivateKeyQuery(), NoCancellation))).Count);
    }

    [Fact]
    public async Task Add_refuses_an_undefined_algorithm_with_InvalidRequest()
    {
        var store = await NewStoreAsync();
        foreach (int value in new[] { -1, 999, int.MaxValue })
        {
            await HostileText.AssertRefusedAsync(
                async () => await store.AddAsync(ConformanceRecords.PrivateKey() with { Algorithm = (KeyAlgorithm)value }, NoCancellation),
                nameof(StoredPrivateKey.Algorithm));
        }

        Assert.Empty(await ReadAsync(store.ListAsync(new PrivateKeyQuery(), NoCancellation)));
    }

    [Fact]
    public async Task List_with_extreme_limits_and_lookups_by_hashes_of_any_length()
    {
        var store = await NewStoreAsync();
        var key = ConformanceRecords.PrivateKey() with { EscrowIndex = new byte[32] };
        await store.AddAsync(key, NoCancellation);

        foreach (int limit in new[] { 0, -1, int.MinValue })
        {
            Assert.Empty(await ReadAsync(store.ListAsync(new PrivateKeyQuery { Limit = limit }, NoCancellation)));
        }

        Assert.Single(await ReadAsync(store.ListAsync(new PrivateKeyQuery { Limit = int.MaxValue, After = string.Empty }, NoCancellation)));
        Assert.Null(await store.FindByEscrowIndexAsync(ReadOnlyMemory<byte>.Empty, NoCancellation));
        Assert.Null(await store.FindByEscrowIndexAsync(new byte[1 << 20], NoCancellation));
        Assert.NotNull(await store.FindByEscrowIndexAsync(new byte[32], NoCancellation));
    }
}
