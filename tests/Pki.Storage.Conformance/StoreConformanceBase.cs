using Pki.Core;
namespace Pki.Storage.Conformance;

/// <summary>
/// What every conformance suite shares: disposal of the stores a test created, and helpers to read a whole
/// keyset-paged set.
/// </summary>
public abstract class StoreConformanceBase : IAsyncLifetime
{
    private readonly List<object> _created = [];

    /// <summary>The token the tests pass to stores; never cancelled.</summary>
    protected static CancellationToken NoCancellation => CancellationToken.None;

    /// <inheritdoc />
    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Disposes every store the test created that is disposable.</summary>
    public virtual async Task DisposeAsync()
    {
        foreach (object store in _created)
        {
            switch (store)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }

        _created.Clear();
    }

    /// <summary>Remembers <paramref name="store"/> for disposal at the end of the test.</summary>
    protected T Track<T>(T store)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(store);
        _created.Add(store);
        return store;
    }

    /// <summary>Runs <paramref name="work"/> in a flow of its own: another operation, outside the ambient <see cref="Pki.Core.StoreTransaction"/>.</summary>
    protected static Task<T> Outside<T>(Func<Task<T>> work)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(work);
        }
    }

    /// <inheritdoc cref="Outside{T}(Func{Task{T}})"/>
    protected static Task Outside(Func<Task> work)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(work);
        }
    }

    /// <summary>Reads one page.</summary>
    protected static async Task<List<T>> ReadAsync<T>(IAsyncEnumerable<T> source)
    {
        var items = new List<T>();
        await foreach (var item in source)
        {
            items.Add(item);
        }

        return items;
    }

    /// <summary>
    /// Reads every page with keyset paging: <paramref name="page"/> gets the last id seen (null first) and the
    /// page size. Stops at the first page shorter than <paramref name="pageSize"/>; fails if a page is longer.
    /// </summary>
    protected static async Task<List<T>> ReadAllPagesAsync<T>(Func<string?, int, IAsyncEnumerable<T>> page, Func<T, string> idOf, int pageSize)
    {
        var all = new List<T>();
        string? after = null;
        for (int guard = 0; ; guard++)
        {
            Assert.True(guard < 100_000, "Paging did not terminate.");
            var items = await ReadAsync(page(after, pageSize));
            Assert.True(items.Count <= pageSize, $"A page held {items.Count} results, more than the limit {pageSize}.");
            all.AddRange(items);
            if (items.Count < pageSize)
            {
                return all;
            }

            after = idOf(items[^1]);
        }
    }

    /// <summary>Sorts ids in the order stores list them (<see cref="StoreIdOrder"/>).</summary>
    protected static List<string> SortedOrdinal(IEnumerable<string> ids)
    {
        var list = ids.ToList();
        list.Sort(StoreIdOrder.Instance);
        return list;
    }

    /// <summary>Fails unless <paramref name="ids"/> is strictly increasing in ordinal order (sorted, no duplicates).</summary>
    protected static void AssertStrictlyAscending(IReadOnlyList<string> ids)
    {
        for (int i = 1; i < ids.Count; i++)
        {
            Assert.True(
                string.CompareOrdinal(ids[i - 1], ids[i]) < 0,
                $"Results are not in strictly ascending ordinal id order at position {i}: '{ids[i - 1]}' then '{ids[i]}'.");
        }
    }
}
