using System.IO.Compression;
using System.Reflection.Metadata;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Pki.Packaging.Tests;

/// <summary>
/// `dotnet pack` of src/*/*.csproj: every package carries a README, a licence expression, its own description and
/// tags, the repository commit, XML docs, and a symbol package whose pdb has SourceLink; and the packages work when
/// a fresh project outside the repository consumes them from a local folder.
/// </summary>
public sealed partial class PackagingTests(PackedPackagesFixture packed) : IClassFixture<PackedPackagesFixture>
{
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    [Fact]
    public void Every_project_under_src_is_packed_with_readme_licence_symbols_and_sourcelink()
    {
        var problems = new List<string>();
        foreach ((string id, string nupkg) in packed.Packages)
        {
            using ZipArchive package = ZipFile.OpenRead(nupkg);
            XDocument nuspec = ReadNuspec(package, id);
            XNamespace ns = nuspec.Root!.Name.Namespace;
            XElement metadata = nuspec.Root.Element(ns + "metadata")!;
            string? Meta(string name) => (string?)metadata.Element(ns + name);

            if (Meta("version") != packed.Version)
            {
                problems.Add($"{id}: version {Meta("version")}, expected {packed.Version}");
            }

            string? description = Meta("description");
            if (string.IsNullOrWhiteSpace(description) || description == "Package Description")
            {
                problems.Add($"{id}: no description of its own");
            }

            if (string.IsNullOrWhiteSpace(Meta("tags")))
            {
                problems.Add($"{id}: no tags");
            }

            XElement? license = metadata.Element(ns + "license");
            if ((string?)license?.Attribute("type") != "expression" || string.IsNullOrWhiteSpace((string?)license))
            {
                problems.Add($"{id}: no licence expression");
            }

            string? readme = Meta("readme");
            if (readme is null || package.GetEntry(readme) is null)
            {
                problems.Add($"{id}: no README in the package (readme element: {readme ?? "none"})");
            }

            XElement? repository = metadata.Element(ns + "repository");
            string? commit = (string?)repository?.Attribute("commit");
            if (string.IsNullOrEmpty((string?)repository?.Attribute("url")) || commit is null || !CommitId().IsMatch(commit))
            {
                problems.Add($"{id}: the nuspec's repository element has no url or commit: {repository}");
            }

            if (package.GetEntry($"lib/net10.0/{id}.dll") is null || package.GetEntry($"lib/net10.0/{id}.xml") is null)
            {
                problems.Add($"{id}: lib/net10.0/{id}.dll or its XML documentation is missing");
            }

            string snupkg = Path.ChangeExtension(nupkg, ".snupkg");
            if (!File.Exists(snupkg))
            {
                problems.Add($"{id}: no symbol package {Path.GetFileName(snupkg)}");
                continue;
            }

            using ZipArchive symbols = ZipFile.OpenRead(snupkg);
            ZipArchiveEntry? pdb = symbols.GetEntry($"lib/net10.0/{id}.pdb");
            if (pdb is null)
            {
                problems.Add($"{id}: the symbol package has no lib/net10.0/{id}.pdb");
                continue;
            }

            string? sourceLink = ReadSourceLink(pdb);
            if (sourceLink is null)
            {
                problems.Add($"{id}: the pdb has no SourceLink");
                continue;
            }

            using JsonDocument json = JsonDocument.Parse(sourceLink);
            string[] targets = json.RootElement.GetProperty("documents").EnumerateObject().Select(p => p.Value.GetString() ?? "").ToArray();
            if (targets.Length == 0 || !targets.All(t => t.StartsWith("https://", StringComparison.Ordinal) && commit is not null && t.Contains(commit, StringComparison.Ordinal)))
            {
                problems.Add($"{id}: SourceLink does not map to the repository at commit {commit}: {sourceLink}");
            }
        }

        Assert.True(problems.Count == 0,
            "Package problems:" + Environment.NewLine + string.Join(Environment.NewLine, problems) + Environment.NewLine + packed.PackResult.Describe());
    }

    [Fact]
    public void A_fresh_project_consumes_the_packed_packages_from_a_local_folder()
    {
        // Outside the repository, fenced off from any Directory.Build.* or Directory.Packages.props above it anyway.
        string root = Path.Combine(packed.TempRoot, "consumer-root");
        string project = Path.Combine(root, "Consumer");
        Directory.CreateDirectory(project);
        foreach (string fence in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(root, fence), "<Project />" + Environment.NewLine);
        }

        File.WriteAllText(Path.Combine(project, "nuget.config"), NuGetConfig(Path.Combine(root, "packages")));
        File.WriteAllText(Path.Combine(project, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Pki.Core" Version="{packed.Version}" />
                <PackageReference Include="Pki.Core.Abstractions" Version="{packed.Version}" />
                <PackageReference Include="Microsoft.Extensions.DependencyInjection" Version="{packed.CentralPackageVersion("Microsoft.Extensions.DependencyInjection")}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "Program.cs"), ConsumerProgram);

        DotnetCli.Result build = DotnetCli.RunChecked(project, ["build", "-c", "Release", "--disable-build-servers"]);
        DotnetCli.Result run = DotnetCli.Run(project, ["run", "-c", "Release", "--no-build"]);
        string context = Environment.NewLine + build.Describe() + Environment.NewLine + run.Describe();

        Assert.True(run.ExitCode == 0, "The consumer failed." + context);
        Assert.True(run.Output.Contains("root: CN=Packaged Root CA, O=Pki Packaging", StringComparison.Ordinal), "No root CA in the output." + context);
        Assert.True(run.Output.Contains("leaf: CN=packaged.example.test", StringComparison.Ordinal), "No issued certificate in the output." + context);
        Assert.True(run.Output.Contains("issuer: CN=Packaged Root CA, O=Pki Packaging", StringComparison.Ordinal), "The certificate is not issued by the root." + context);
        Assert.True(run.Output.Contains("chain: valid", StringComparison.Ordinal), "The issued certificate does not chain to the root." + context);
        Assert.True(run.Output.Contains("private key: returned", StringComparison.Ordinal), "No generated private key." + context);
        Assert.True(run.Output.Contains($"Pki.Core version: {packed.Version}", StringComparison.Ordinal), "The consumer did not run the packed Pki.Core." + context);
        Assert.True(run.Output.Contains($"Pki.Core.Abstractions version: {packed.Version}", StringComparison.Ordinal), "The consumer did not run the packed abstractions." + context);
    }

    /// <summary>
    /// The packed folder first, then the machine's own package folders as local sources; the machine's configured
    /// sources (user-level nuget.config) still apply, since this file does not clear them. A global packages folder of
    /// its own: the packed versions never land in the machine's cache.
    /// </summary>
    private string NuGetConfig(string globalPackagesFolder)
    {
        var sources = new List<(string Key, string Value)> { ("pki-packed", packed.FeedDirectory) };
        string machineCache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        if (Directory.Exists(machineCache))
        {
            sources.Add(("machine-global-packages", machineCache));
        }

        if (Directory.Exists("/opt/nuget/packages"))
        {
            sources.Add(("machine-offline-packages", "/opt/nuget/packages"));
        }

        var config = new XElement("configuration",
            new XElement("config", new XElement("add", new XAttribute("key", "globalPackagesFolder"), new XAttribute("value", globalPackagesFolder))),
            new XElement("packageSources", sources.Select(s => new XElement("add", new XAttribute("key", s.Key), new XAttribute("value", s.Value)))));
        return new XDocument(new XDeclaration("1.0", "utf-8", null), config).ToString();
    }

    private static XDocument ReadNuspec(ZipArchive package, string id)
    {
        ZipArchiveEntry entry = package.GetEntry(id + ".nuspec") ?? throw new InvalidOperationException($"{id}: no nuspec in the package");
        using Stream stream = entry.Open();
        return XDocument.Load(stream);
    }

    private static string? ReadSourceLink(ZipArchiveEntry pdbEntry)
    {
        using var buffer = new MemoryStream();
        using (Stream stream = pdbEntry.Open())
        {
            stream.CopyTo(buffer);
        }

        buffer.Position = 0;
        using MetadataReaderProvider provider = MetadataReaderProvider.FromPortablePdbStream(buffer);
        MetadataReader reader = provider.GetMetadataReader();
        foreach (CustomDebugInformationHandle handle in reader.GetCustomDebugInformation(EntityHandle.ModuleDefinition))
        {
            CustomDebugInformation information = reader.GetCustomDebugInformation(handle);
            if (reader.GetGuid(information.Kind) == SourceLinkKind)
            {
                return Encoding.UTF8.GetString(reader.GetBlobBytes(information.Value));
            }
        }

        return null;
    }

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitId();

    private const string ConsumerProgram = """
        using System.Reflection;
        using System.Security.Cryptography.X509Certificates;
        using Microsoft.Extensions.DependencyInjection;
        using Pki.Core;
        using Pki.Core.DependencyInjection;

        var services = new ServiceCollection();
        services.AddPki();
        await using var provider = services.BuildServiceProvider();
        var authority = provider.GetRequiredService<ICertificateAuthority>();

        var root = await authority.CreateRootAsync(new CreateRootAuthorityRequest
        {
            Name = "Packaged Root CA",
            Subject = DistinguishedName.Parse("CN=Packaged Root CA,O=Pki Packaging"),
        });
        var issued = await authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(root.Id),
            Profile = CertificateProfiles.Server,
            Subject = DistinguishedName.Parse("CN=packaged.example.test"),
            SubjectAlternativeNames = new SubjectAlternativeNames(dnsNames: ["packaged.example.test"]),
            ValidityDays = 30,
        });

        using var rootCertificate = X509Certificate2.CreateFromPem(root.CertificatePem);
        using var leaf = X509Certificate2.CreateFromPem(issued.CertificatePem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(rootCertificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        bool valid = chain.Build(leaf);

        static string VersionOf(Type type) =>
            type.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

        Console.WriteLine($"root: {rootCertificate.Subject}");
        Console.WriteLine($"leaf: {leaf.Subject}");
        Console.WriteLine($"issuer: {leaf.Issuer}");
        Console.WriteLine($"chain: {(valid ? "valid" : string.Join(", ", chain.ChainStatus.Select(s => $"{s.Status} {s.StatusInformation}")))}");
        Console.WriteLine($"private key: {(issued.PrivateKeyPem?.Contains("PRIVATE KEY", StringComparison.Ordinal) == true ? "returned" : "missing")}");
        Console.WriteLine($"Pki.Core version: {VersionOf(authority.GetType())}");
        Console.WriteLine($"Pki.Core.Abstractions version: {VersionOf(typeof(ICertificateAuthority))}");
        """;
}
