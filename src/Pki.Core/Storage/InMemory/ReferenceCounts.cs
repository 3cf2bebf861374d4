namespace Pki.Core.Storage.InMemory;

/// <summary>How many records reference each id (not thread-safe: callers hold their store's lock).</summary>
internal sealed class ReferenceCounts
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public bool Contains(string id) => _counts.ContainsKey(id);

    /// <summary>Adds <paramref name="delta"/> references to <paramref name="id"/>; a null id is ignored.</summary>
    public void Add(string? id, int delta)
    {
        if (id is null)
        {
            return;
        }

        int count = _counts.GetValueOrDefault(id) + delta;
        if (count > 0)
        {
            _counts[id] = count;
        }
        else
        {
            _counts.Remove(id);
        }
    }
}
