using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Pki.Core.Storage.InMemory;

/// <summary>
/// One shared instance per distinct value, for the few immutable values that repeat across many records (a CA
/// summary, an owner organization), so that a million records of one CA hold one copy. Not thread-safe: callers
/// hold their store's lock. Values are never dropped; keep it to values with few distinct instances.
/// </summary>
internal sealed class InternPool<T>(IEqualityComparer<T>? comparer = null)
    where T : class
{
    private readonly Dictionary<T, T> _values = new(comparer);

    /// <summary>The instance equal to <paramref name="value"/> seen first (<paramref name="value"/> itself if it is new); null for null.</summary>
    [return: NotNullIfNotNull(nameof(value))]
    public T? Intern(T? value)
    {
        if (value is null)
        {
            return null;
        }

        ref T? shared = ref CollectionsMarshal.GetValueRefOrAddDefault(_values, value, out _);
        return shared ??= value;
    }
}
