using System.Collections.Frozen;
using Pki.Core;

namespace Pki.CaServer.Routes;

/// <summary>
/// The CA names of the anonymous publication routes (<c>/ca/{name}.crt</c>, <c>/crl/{name}.crl</c>): every CA's name and
/// id, read in one listing and reused for <see cref="Lifetime"/>, so that a request — for a name that exists or not —
/// does not list every CA. A name must name one CA in any organization; one that several CAs have is refused.
/// </summary>
/// <remarks>
/// The library has no lookup by name across organizations that this needs: <see cref="ICertificateAuthority.GetAsync"/>
/// by name, for a superuser such as the publication caller, prefers the CA without an organization over others of that
/// name, and lists every CA for a name no such CA has (every unknown name among them); <see cref="IAuthorityStore.FindByNameAsync"/>
/// needs the organization. A CA keeps its name for life, so a cached name goes stale only when a CA is created: a
/// creation through this server calls <see cref="Invalidate"/>; one through another host sharing the database is seen
/// within <see cref="Lifetime"/>. Only names of stored CAs are kept, so requests for other names do not grow it.
/// </remarks>
internal sealed class PublicationNameIndex(ICertificateAuthority authorities, TimeProvider time)
{
    /// <summary>How long one listing of the CAs answers name lookups.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _reading = new(1, 1);
    private Snapshot? _snapshot;
    private int _generation;

    /// <summary>
    /// The CA named <paramref name="name"/>, by id. Lists the CAs as the current caller (the publication caller, who sees
    /// every CA) when the names read last are older than <see cref="Lifetime"/> or a CA was created since.
    /// </summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/> when no CA or several CAs have the name.</exception>
    public async ValueTask<CaReference> ResolveAsync(string name, CancellationToken cancellationToken)
    {
        var snapshot = await CurrentAsync(cancellationToken);
        if (!snapshot.IdByName.TryGetValue(name, out string? id))
        {
            throw new PkiException(PkiErrorCode.AuthorityNotFound, $"CA '{name}' does not exist.");
        }

        return id is null
            ? throw new PkiException(PkiErrorCode.AuthorityNotFound, $"Several CAs are named '{name}'; use the CA id.")
            : CaReference.ById(id);
    }

    /// <summary>Drops the names read so far: the next lookup lists the CAs again (after a CA was created).</summary>
    public void Invalidate() => Interlocked.Increment(ref _generation);

    private async ValueTask<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        if (Fresh(Volatile.Read(ref _snapshot)) is { } current)
        {
            return current;
        }

        await _reading.WaitAsync(cancellationToken);
        try
        {
            if (Fresh(Volatile.Read(ref _snapshot)) is { } readMeanwhile)
            {
                return readMeanwhile;
            }

            // The generation is taken before the listing: a CA created while it runs may be missing from it, and its
            // creation's Invalidate then makes this snapshot stale at once.
            int generation = Volatile.Read(ref _generation);
            long readAt = time.GetTimestamp();
            var idByName = new Dictionary<string, string?>(StringComparer.Ordinal);
            await foreach (var authority in PublicationNames.AllAsync(query => authorities.ListAsync(query, cancellationToken)))
            {
                idByName[authority.Name] = idByName.ContainsKey(authority.Name) ? null : authority.Id; // null: ambiguous
            }

            var snapshot = new Snapshot(idByName.ToFrozenDictionary(StringComparer.Ordinal), generation, readAt);
            Volatile.Write(ref _snapshot, snapshot);
            return snapshot;
        }
        finally
        {
            _reading.Release();
        }
    }

    private Snapshot? Fresh(Snapshot? snapshot) =>
        snapshot is not null && snapshot.Generation == Volatile.Read(ref _generation) && time.GetElapsedTime(snapshot.ReadAt) < Lifetime
            ? snapshot
            : null;

    /// <summary>Every CA's id by name (null for a name several CAs have), as listed at <see cref="ReadAt"/>.</summary>
    private sealed record Snapshot(FrozenDictionary<string, string?> IdByName, int Generation, long ReadAt);
}
