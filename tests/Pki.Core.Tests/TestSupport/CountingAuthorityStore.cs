using Microsoft.Extensions.DependencyInjection;
using Pki.Core.Storage.InMemory;

namespace Pki.Core.Tests.TestSupport;

/// <summary>
/// The in-memory authority store, built over the other in-memory stores as <c>AddPki()</c> builds it, recording its
/// reads: ids read by <see cref="GetAsync"/>, <c>name:</c> plus the name for <see cref="FindByNameAsync"/>, and how many
/// listings were made.
/// </summary>
internal sealed class CountingAuthorityStore(IAuthorityStore inner) : IAuthorityStore
{
    private int _lists;

    public List<string> Reads { get; } = [];

    public int Lists => Volatile.Read(ref _lists);

    /// <summary>A host (optionally on <paramref name="clock"/>) whose authority store counts; the store is ready when this returns.</summary>
    public static (PkiTestHost Host, CountingAuthorityStore Store) Host(TimeProvider? clock = null)
    {
        CountingAuthorityStore? store = null;
        var host = new PkiTestHost(time: clock, services: s => s.AddSingleton<IAuthorityStore>(sp =>
            store = new CountingAuthorityStore(new InMemoryAuthorityStore(sp.GetRequiredService<IPrivateKeyStore>(), sp.GetRequiredService<ICertificateStore>()))));
        _ = host.Get<IAuthorityStore>();
        return (host, store!);
    }

    public ValueTask AddAsync(AuthorityRecord authority, CancellationToken cancellationToken) => inner.AddAsync(authority, cancellationToken);

    public ValueTask UpdateAsync(AuthorityRecord authority, CancellationToken cancellationToken) => inner.UpdateAsync(authority, cancellationToken);

    public ValueTask<AuthorityRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        Record(id);
        return inner.GetAsync(id, cancellationToken);
    }

    public ValueTask<AuthorityRecord?> FindByNameAsync(string name, string? organization, CancellationToken cancellationToken)
    {
        Record("name:" + name);
        return inner.FindByNameAsync(name, organization, cancellationToken);
    }

    public IAsyncEnumerable<AuthorityRecord> ListAsync(AuthorityQuery query, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lists);
        return inner.ListAsync(query, cancellationToken);
    }

    private void Record(string read)
    {
        lock (Reads)
        {
            Reads.Add(read);
        }
    }
}
