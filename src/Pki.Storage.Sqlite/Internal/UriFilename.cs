namespace Pki.Storage.Sqlite;

/// <summary>
/// What an SQLite URI filename (<c>Data Source=file:…?…</c>, which Microsoft.Data.Sqlite opens as a URI) says about the
/// database, decoded as SQLite decodes it (the path and every query value percent-decoded, each cut at a decoded NUL, an
/// authority dropped) and judged at least as strictly (names and values in any case, any of several <c>mode=</c>
/// parameters): private to its connection (<c>file::memory:</c>, an empty path — a temporary database —,
/// <c>mode=memory</c>), read-only (<c>mode=ro</c>, <c>immutable=</c> anything but false), or on another VFS
/// (<c>vfs=</c>). The stores need none of these; the connection string's own keywords are checked separately.
/// </summary>
internal sealed record UriFilename(bool Private, bool ReadOnly, string? Vfs)
{
    /// <summary>The URI filename <paramref name="dataSource"/> is, or null when it is a plain path.</summary>
    public static UriFilename? Parse(string? dataSource)
    {
        if (dataSource is null || !dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string rest = dataSource["file:".Length..];
        int fragment = rest.IndexOf('#', StringComparison.Ordinal);
        rest = fragment < 0 ? rest : rest[..fragment];
        int query = rest.IndexOf('?', StringComparison.Ordinal);
        string rawPath = query < 0 ? rest : rest[..query];
        if (rawPath.StartsWith("//", StringComparison.Ordinal))
        {
            int slash = rawPath.IndexOf('/', 2);
            rawPath = slash < 0 ? string.Empty : rawPath[slash..]; // file://localhost/path: the authority is not part of the path
        }

        string path = Decode(rawPath);
        bool isPrivate = path.Length == 0 || path.Equals(":memory:", StringComparison.OrdinalIgnoreCase);
        bool readOnly = false;
        string? vfs = null;
        if (query >= 0)
        {
            foreach (string parameter in rest[(query + 1)..].Split('&'))
            {
                int equals = parameter.IndexOf('=', StringComparison.Ordinal);
                string name = Decode(equals < 0 ? parameter : parameter[..equals]);
                string value = Decode(equals < 0 ? string.Empty : parameter[(equals + 1)..]);
                isPrivate |= Is(name, "mode", value, "memory");
                vfs = name.Equals("vfs", StringComparison.OrdinalIgnoreCase) && value.Length > 0 ? value : vfs;
                readOnly |= Is(name, "mode", value, "ro")
                    || (name.Equals("immutable", StringComparison.OrdinalIgnoreCase) && value is not ("" or "0" or "false" or "off" or "no"));
            }
        }

        return new UriFilename(isPrivate, readOnly, vfs);
    }

    /// <summary>Percent-decoded as SQLite decodes a URI's parts; a decoded NUL ends the text, as it ends SQLite's C string.</summary>
    private static string Decode(string text)
    {
        string decoded = Uri.UnescapeDataString(text);
        int nul = decoded.IndexOf('\0', StringComparison.Ordinal);
        return nul < 0 ? decoded : decoded[..nul];
    }

    private static bool Is(string name, string expectedName, string value, string expectedValue) =>
        name.Equals(expectedName, StringComparison.OrdinalIgnoreCase) && value.Equals(expectedValue, StringComparison.OrdinalIgnoreCase);
}
