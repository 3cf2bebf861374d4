namespace Pki.Storage.Sqlite;

/// <summary>
/// What an SQLite URI filename (<c>Data Source=file:…?…</c>, which Microsoft.Data.Sqlite opens as a URI) says about the
/// database: in memory (<c>file::memory:</c>, <c>mode=memory</c>, <c>vfs=memdb</c>) or read-only (<c>mode=ro</c>,
/// <c>immutable=1</c>). The stores need neither; the connection string's own keywords are checked separately.
/// </summary>
internal sealed record UriFilename(bool InMemory, bool ReadOnly)
{
    /// <summary>The URI filename <paramref name="dataSource"/> is, or null when it is a plain path.</summary>
    public static UriFilename? Parse(string? dataSource)
    {
        if (dataSource is null || !dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        int query = dataSource.IndexOf('?', StringComparison.Ordinal);
        string path = (query < 0 ? dataSource : dataSource[..query])["file:".Length..];
        int fragment = path.IndexOf('#', StringComparison.Ordinal);
        path = fragment < 0 ? path : path[..fragment];
        bool inMemory = path.Equals(":memory:", StringComparison.OrdinalIgnoreCase);
        bool readOnly = false;
        if (query >= 0)
        {
            foreach (string parameter in dataSource[(query + 1)..].Split('&', '#'))
            {
                int equals = parameter.IndexOf('=', StringComparison.Ordinal);
                string name = Uri.UnescapeDataString(equals < 0 ? parameter : parameter[..equals]).Trim();
                string value = Uri.UnescapeDataString(equals < 0 ? string.Empty : parameter[(equals + 1)..]).Trim();
                inMemory |= Is(name, "mode", value, "memory") || Is(name, "vfs", value, "memdb");
                readOnly |= Is(name, "mode", value, "ro") || (name.Equals("immutable", StringComparison.OrdinalIgnoreCase) && value is not ("" or "0" or "false" or "off" or "no"));
            }
        }

        return new UriFilename(inMemory, readOnly);
    }

    private static bool Is(string name, string expectedName, string value, string expectedValue) =>
        name.Equals(expectedName, StringComparison.OrdinalIgnoreCase) && value.Equals(expectedValue, StringComparison.OrdinalIgnoreCase);
}
