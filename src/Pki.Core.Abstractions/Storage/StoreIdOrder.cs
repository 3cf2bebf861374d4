namespace Pki.Core;

/// <summary>
/// The order in which stores list records by id, and in which keyset paging (<c>After</c>) continues: by Unicode code
/// point, which is the byte order of the ids' UTF-8 text (SQLite's <c>BINARY</c> collation, PostgreSQL's <c>"C"</c>).
/// </summary>
/// <remarks>
/// It differs from <see cref="StringComparer.Ordinal"/> (UTF-16 code units) only where one id has a character from
/// U+E000 to U+FFFF and the other, at the same position, a character above U+FFFF: ordinal order puts the surrogate pair
/// first, code-point order puts it last. Ids of ASCII characters, such as the engine's, sort the same either way. A store
/// that keeps ids in memory sorts them with <see cref="Instance"/>.
/// </remarks>
public sealed class StoreIdOrder : IComparer<string>
{
    private StoreIdOrder()
    {
    }

    /// <summary>The comparer.</summary>
    public static StoreIdOrder Instance { get; } = new();

    /// <inheritdoc/>
    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        int common = x.AsSpan().CommonPrefixLength(y);
        return common == x.Length || common == y.Length
            ? x.Length.CompareTo(y.Length)
            : CodePointRank(x[common]).CompareTo(CodePointRank(y[common]));
    }

    // A UTF-16 code unit's rank in code-point order: surrogates (U+D800–U+DFFF) stand for code points above U+FFFF, so
    // they move after U+E000–U+FFFF, which move down to close the gap.
    private static int CodePointRank(char c) => c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;
}
