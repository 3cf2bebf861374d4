using Microsoft.Extensions.DependencyInjection;
using Pki.Core.Storage.InMemory;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Tidy;

/// <summary>
/// A CA creation that fails after its signing key was stored, with a key store that does not take part in store
/// transactions, leaves a key that tidy removes after the grace period, never before.
/// </summary>
public sealed class UnreferencedKeyTidyTests
{
    /// <summary>A key store of a provider that does not enlist in <see cref="StoreTransaction"/>: its writes stay when the operation fails.</summary>
    private sealed class NonEnlistingKeyStore(IPrivateKeyStore inner) : IPrivateKeyStore
    {
        public ValueTask AddAsync(StoredPrivateKey key, CancellationToken cancellationToken)
        {
            using (ExecutionContext.SuppressFlow()) // the ambient transaction does not reach the inner store
            {
                return new ValueTask(Task.Run(() => inner.AddAsync(key, cancellationToken).AsTask(), cancellationToken));
            }
        }

        public ValueTask<StoredPrivateKey?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

        public ValueTask<StoredPrivateKey?> FindByEscrowIndexAsync(ReadOnlyMemory<byte> escrowIndex, CancellationToken cancellationToken) =>
            inner.FindByEscrowIndexAsync(escrowIndex, cancellationToken);

        public IAsyncEnumerable<StoredPrivateKey> ListAsync(PrivateKeyQuery query, CancellationToken cancellationToken) => inner.ListAsync(query, cancellationToken);

        public ValueTask<int> PurgeUnreferencedAsync(PrivateKeyPurge purge, CancellationToken cancellationToken) => inner.PurgeUnreferencedAsync(purge, cancellationToken);

        public ValueTask ReplaceProtectedKeyAsync(string id, ReadOnlyMemory<byte> expectedProtectedPkcs8, ReadOnlyMemory<byte> protectedPkcs8, CancellationToken cancellationToken) =>
            inner.ReplaceProtectedKeyAsync(id, expectedProtectedPkcs8, protectedPkcs8, cancellationToken);
    }

    /// <summary>Fails <see cref="AddAsync"/> as a broken store would, while <see cref="Fail"/> is set.</summary>
    private sealed class FailingAuthorityStore(IAuthorityStore inner) : IAuthorityStore
    {
        public bool Fail { get; set; }

        public ValueTask AddAsync(AuthorityRecord authority, CancellationToken cancellationToken) =>
            Fail ? throw new InvalidOperationException("The store is down.") : inner.AddAsync(authority, cancellationToken);

        public ValueTask UpdateAsync(AuthorityRecord authority, CancellationToken cancellationToken) => inner.UpdateAsync(authority, cancellationToken);

        public ValueTask<AuthorityRecord?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

        public ValueTask<AuthorityRecord?> FindByNameAsync(string name, string? organization, CancellationToken cancellationToken) =>
            inner.FindByNameAsync(name, organization, cancellationToken);

        public IAsyncEnumerable<AuthorityRecord> ListAsync(AuthorityQuery query, CancellationToken cancellationToken) => inner.ListAsync(query, cancellationToken);
    }

    private static async Task<List<StoredPrivateKey>> KeysAsync(PkiTestHost host) =>
        await host.Get<IPrivateKeyStore>().ListAsync(new PrivateKeyQuery { Limit = 1000 }, CancellationToken.None).ToListAsync();

    [Fact]
    public async Task A_failed_CA_creation_leaves_a_key_that_tidy_removes_only_after_the_grace_period()
    {
        var clock = PkiTestHost.FakeClock();
        using var host = new PkiTestHost(null, clock, s =>
        {
            s.AddSingleton<InMemoryPrivateKeyStore>();
            s.AddSingleton<IPrivateKeyStore>(sp => new NonEnlistingKeyStore(sp.GetRequiredService<InMemoryPrivateKeyStore>()));
            s.AddSingleton<ICertificateStore>(sp => new InMemoryCertificateStore(sp.GetRequiredService<InMemoryPrivateKeyStore>()));
            s.AddSingleton<FailingAuthorityStore>(sp => new FailingAuthorityStore(new InMemoryAuthorityStore(sp.GetRequiredService<InMemoryPrivateKeyStore>())));
            s.AddSingleton<IAuthorityStore>(sp => sp.GetRequiredService<FailingAuthorityStore>());
        });
        var root = await host.Authority.CreateRootAsync(new CreateRootAuthorityRequest { Name = "root", Subject = DistinguishedName.Create(commonName: "Root") });
        var kept = (await KeysAsync(host)).Select(k => k.Id).ToList();

        host.Get<FailingAuthorityStore>().Fail = true;
        await Assert.ThrowsAnyAsync<Exception>(() => host.Authority.CreateRootAsync(
            new CreateRootAuthorityRequest { Name = "broken", Subject = DistinguishedName.Create(commonName: "Broken") }).AsTask());
        host.Get<FailingAuthorityStore>().Fail = false;
        var orphan = Assert.Single(await KeysAsync(host), k => !kept.Contains(k.Id));

        // Within the grace period (default 1 day) the key stays, however often tidy runs.
        var tidy = host.Get<ITidyService>();
        Assert.Equal(0, (await tidy.TidyAsync()).UnreferencedKeysRemoved);
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, (await tidy.TidyAsync()).UnreferencedKeysRemoved);
        Assert.NotNull(await host.Get<IPrivateKeyStore>().GetAsync(orphan.Id, CancellationToken.None));

        clock.Advance(TimeSpan.FromSeconds(1));
        var report = await tidy.TidyAsync();

        Assert.Equal(1, report.UnreferencedKeysRemoved);
        Assert.Null(await host.Get<IPrivateKeyStore>().GetAsync(orphan.Id, CancellationToken.None));
        Assert.Equal(kept.Order(StringComparer.Ordinal), (await KeysAsync(host)).Select(k => k.Id).Order(StringComparer.Ordinal));
        Assert.Contains(root.KeyId, kept);
    }

    [Fact]
    public async Task Unreferenced_keys_are_not_tidied_when_the_target_is_not_asked_for()
    {
        var clock = PkiTestHost.FakeClock();
        using var host = new PkiTestHost(null, clock);
        var orphan = new StoredPrivateKey("orphan", KeyAlgorithm.EcdsaP256, new byte[] { 1, 2, 3 }, clock.GetUtcNow());
        await host.Get<IPrivateKeyStore>().AddAsync(orphan, CancellationToken.None);
        clock.Advance(TimeSpan.FromDays(2));

        var report = await host.Get<ITidyService>().TidyAsync(new TidyRequest { Targets = TidyTargets.All & ~TidyTargets.UnreferencedKeys });

        Assert.Equal(0, report.UnreferencedKeysRemoved);
        Assert.NotNull(await host.Get<IPrivateKeyStore>().GetAsync("orphan", CancellationToken.None));
        Assert.Equal(1, (await host.Get<ITidyService>().TidyAsync()).UnreferencedKeysRemoved);
    }
}
