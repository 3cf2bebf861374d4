using Pki.Core;

namespace Pki.CaServer.Routes;

/// <summary>
/// This server publishes a CA under its name (<c>/crl/{name}.crl</c>, <c>/ocsp/{name}</c>, <c>/ca/{name}.crt</c>: the
/// URLs go into the certificates before the CA has an id), so a name must name one CA on the server, whatever its
/// organization, must come back unchanged from those URLs, and must not read as a CA id or as another CA's delta CRL
/// (<c>{name}-delta.crl</c>).
/// </summary>
internal static class PublicationNames
{
    private const string DeltaSuffix = "-delta";

    // One CA creation at a time in this process: between the check that a name is free and the CA's record, a key is
    // generated, and two requests for one name must not both pass the check. (Hosts sharing one database do not see
    // each other's creations in progress: give them distinct names, or create CAs through one of them.)
    private static readonly SemaphoreSlim s_creation = new(1, 1);

    /// <summary>
    /// Checks that <paramref name="name"/> can be published and is free, then holds every other creation of this process
    /// until the returned handle is disposed (after the CA has been stored, or has failed), when the publication routes'
    /// <paramref name="published"/> names are read again, so that they find the new CA at once.
    /// </summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> for a name that cannot be published;
    /// <see cref="PkiErrorCode.Conflict"/> when a CA of any organization has the name already.</exception>
    public static async ValueTask<IDisposable> ReserveAsync(string name, IAuthorityStore authorities, PublicationNameIndex published, CancellationToken cancellationToken)
    {
        EnsurePublishable(name);
        await s_creation.WaitAsync(cancellationToken);
        try
        {
            await foreach (var authority in AllAsync(query => authorities.ListAsync(query, cancellationToken)))
            {
                if (authority.Name == name)
                {
                    throw new PkiException(PkiErrorCode.Conflict, $"A CA named '{name}' exists on this server already: CA names appear in the publication URLs, so they are unique here.");
                }
            }

            return new Release(published);
        }
        catch
        {
            s_creation.Release();
            throw;
        }
    }

    /// <summary>
    /// A name that goes into a URL path segment and comes back as itself: not a CA id (32 lower-case hex characters, read
    /// as an id), not <c>.</c> or <c>..</c> (removed from paths), without <c>/</c>, <c>\</c>, <c>%</c>, <c>?</c>, <c>#</c> or
    /// control characters (split, decoded or cut off on the way), without surrounding spaces, not ending in <c>-delta</c>.
    /// </summary>
    private static void EnsurePublishable(string name)
    {
        if (name.EndsWith(DeltaSuffix, StringComparison.Ordinal))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, $"A CA name may not end in '{DeltaSuffix}': /crl/{{name}}{DeltaSuffix}.crl is a delta CRL's URL.");
        }

        if (Http.CaKey.IsId(name))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, "A CA name may not look like a CA id (32 lower-case hex characters): the publication URLs would read it as one.");
        }

        if (name is "." or ".." || name.Trim().Length != name.Length || name.Any(c => c is '/' or '\\' or '%' or '?' or '#' || char.IsControl(c)))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, "A CA name appears in the publication URLs: it may not be '.' or '..', start or end with a space, or contain '/', '\\', '%', '?', '#' or control characters.");
        }
    }

    private sealed class Release(PublicationNameIndex published) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                published.Invalidate();
                s_creation.Release();
            }
        }
    }

    /// <summary>Every CA <paramref name="list"/> lists, page by page.</summary>
    public static async IAsyncEnumerable<AuthorityRecord> AllAsync(Func<AuthorityQuery, IAsyncEnumerable<AuthorityRecord>> list)
    {
        const int page = 1000;
        string? after = null;
        while (true)
        {
            int count = 0;
            await foreach (var authority in list(new AuthorityQuery { After = after, Limit = page }))
            {
                count++;
                after = authority.Id;
                yield return authority;
            }

            if (count < page)
            {
                yield break;
            }
        }
    }
}
