using System.Runtime.CompilerServices;

namespace Pki.Core.Storage;

/// <summary>Every CA of a store, page by page in id order (CAs are few; for passes that must see each one).</summary>
internal static class AuthorityStorePaging
{
    private const int PageSize = 500;

    public static async IAsyncEnumerable<AuthorityRecord> ListAllAsync(this IAuthorityStore store, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = new AuthorityQuery { Limit = PageSize };
        while (true)
        {
            // A page is read whole before it is handed out, so that no store reader stays open while the caller works.
            var page = await store.ListAsync(query, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var authority in page)
            {
                yield return authority;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            query = query with { After = page[^1].Id };
        }
    }
}
