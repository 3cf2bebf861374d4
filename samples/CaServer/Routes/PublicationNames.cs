using Pki.Core;

namespace Pki.CaServer.Routes;

/// <summary>
/// This server publishes a CA under its name (<c>/crl/{name}.crl</c>, <c>/ocsp/{name}</c>, <c>/ca/{name}.crt</c>: the
/// URLs go into the certificates before the CA has an id), so a name must name one CA on the server, whatever its
/// organization, and must not read as another CA's delta CRL (<c>{name}-delta.crl</c>).
/// </summary>
internal static class PublicationNames
{
    private const string DeltaSuffix = "-delta";

    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> for a name ending in <c>-delta</c>;
    /// <see cref="PkiErrorCode.Conflict"/> when a CA of any organization has the name already.</exception>
    public static async ValueTask EnsureFreeAsync(string name, IAuthorityStore authorities, CancellationToken cancellationToken)
    {
        if (name.EndsWith(DeltaSuffix, StringComparison.Ordinal))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, $"A CA name may not end in '{DeltaSuffix}': /crl/{{name}}{DeltaSuffix}.crl is a delta CRL's URL.");
        }

        await foreach (var authority in AllAsync(query => authorities.ListAsync(query, cancellationToken)))
        {
            if (authority.Name == name)
            {
                throw new PkiException(PkiErrorCode.Conflict, $"A CA named '{name}' exists on this server already: CA names appear in the publication URLs, so they are unique here.");
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
