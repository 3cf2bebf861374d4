namespace Pki.Core.Tests.TestSupport;

/// <summary>
/// Locates the shared test corpus (<c>shared/corpus</c>, a sibling of the repository: /work/shared/corpus next to
/// /work/main or /work/wt-*, ../shared in CI). The <c>PKI_CORPUS</c> environment variable overrides the search.
/// A missing corpus is a test failure, never a skip.
/// </summary>
public static class Corpus
{
    private static readonly Lazy<string> LazyRoot = new(Find);

    /// <summary>The corpus directory (the one holding README.md, csr/, limbo/, pqc/).</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>The full path of a corpus file given relative to <see cref="Root"/> with '/' separators.</summary>
    public static string Path(string relative)
    {
        string path = System.IO.Path.Combine(Root, relative.Replace('/', System.IO.Path.DirectorySeparatorChar));
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Corpus file '{relative}' does not exist under {Root}.", path);
        }

        return path;
    }

    private static string Find()
    {
        string? overridden = Environment.GetEnvironmentVariable("PKI_CORPUS");
        if (!string.IsNullOrEmpty(overridden))
        {
            return Directory.Exists(overridden)
                ? overridden
                : throw new DirectoryNotFoundException($"PKI_CORPUS points to '{overridden}', which does not exist.");
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = System.IO.Path.Combine(directory.FullName, "shared", "corpus");
            if (Directory.Exists(candidate) && File.Exists(System.IO.Path.Combine(candidate, "README.md")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"The test corpus (a 'shared/corpus' directory next to the repository) was not found above {AppContext.BaseDirectory}.");
    }
}
