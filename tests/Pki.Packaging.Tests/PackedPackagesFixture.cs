using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Pki.Packaging.Tests;

/// <summary>
/// Packs every project under <c>src/*/*.csproj</c> once into a unique temporary folder. The build uses its own
/// artifacts path, so the repository's <c>bin/</c> and <c>obj/</c> stay untouched, and a unique prerelease version,
/// so no package cache can hand a test an older build of the same version.
/// </summary>
public sealed partial class PackedPackagesFixture : IDisposable
{
    public PackedPackagesFixture()
    {
        RepositoryRoot = FindRepositoryRoot();
        Projects = Directory.GetDirectories(Path.Combine(RepositoryRoot, "src"))
            .SelectMany(directory => Directory.GetFiles(directory, "*.csproj"))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (Projects.Count == 0)
        {
            throw new InvalidOperationException($"No project found under {Path.Combine(RepositoryRoot, "src")}/*/*.csproj.");
        }

        TempRoot = Path.Combine(Path.GetTempPath(), "pki-packaging-tests-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        FeedDirectory = Path.Combine(TempRoot, "feed");
        Directory.CreateDirectory(FeedDirectory);
        VersionSuffix = "packtest-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

        // A solution listing exactly src/*/*.csproj: a project added under src/ is packed without touching this test.
        string solution = Path.Combine(TempRoot, "packages.slnx");
        new XDocument(new XElement("Solution", Projects.Select(p => new XElement("Project", new XAttribute("Path", p))))).Save(solution);

        PackResult = DotnetCli.RunChecked(RepositoryRoot,
        [
            "pack", solution, "-c", "Release",
            "--artifacts-path", Path.Combine(TempRoot, "artifacts"),
            "-o", FeedDirectory,
            "-p:VersionSuffix=" + VersionSuffix,
            "--disable-build-servers",
        ]);

        var packages = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string project in Projects)
        {
            string id = Path.GetFileNameWithoutExtension(project);
            string? nupkg = Directory.GetFiles(FeedDirectory, id + ".*.nupkg")
                .FirstOrDefault(f => PackageFileName().Match(Path.GetFileName(f)) is { Success: true } m && m.Groups["id"].Value == id);
            packages[id] = nupkg ?? throw new InvalidOperationException(
                $"`dotnet pack` made no package {id}.<version>.nupkg for {project} (the package id is expected to be the project name). "
                + $"Feed: {string.Join(", ", Directory.GetFiles(FeedDirectory).Select(Path.GetFileName))}. {PackResult.Describe()}");
        }

        Packages = packages;
        Version = PackageFileName().Match(Path.GetFileName(Packages["Pki.Core"])).Groups["version"].Value;
    }

    public string RepositoryRoot { get; }

    /// <summary>Full paths of src/*/*.csproj.</summary>
    public IReadOnlyList<string> Projects { get; }

    public string TempRoot { get; }

    public string FeedDirectory { get; }

    public string VersionSuffix { get; }

    /// <summary>The version every package was packed with (the repository's VersionPrefix plus <see cref="VersionSuffix"/>).</summary>
    public string Version { get; }

    /// <summary>Package id (= project name) to the .nupkg path.</summary>
    public IReadOnlyDictionary<string, string> Packages { get; }

    public DotnetCli.Result PackResult { get; }

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("PKI_KEEP_PACKAGING_TEMP") == "1")
        {
            return;
        }

        try
        {
            Directory.Delete(TempRoot, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The version of a package the repository pins centrally (Directory.Packages.props).</summary>
    public string CentralPackageVersion(string id)
    {
        XDocument props = XDocument.Load(Path.Combine(RepositoryRoot, "Directory.Packages.props"));
        return props.Descendants("PackageVersion")
            .Where(e => string.Equals((string?)e.Attribute("Include"), id, StringComparison.OrdinalIgnoreCase))
            .Select(e => (string?)e.Attribute("Version"))
            .FirstOrDefault(v => v is not null)
            ?? throw new InvalidOperationException($"Directory.Packages.props pins no version of {id}.");
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Pki.Core.sln")) && Directory.Exists(Path.Combine(directory.FullName, "src")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Pki.Core.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"^(?<id>.+?)\.(?<version>\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\.nupkg$")]
    private static partial Regex PackageFileName();
}
