using Pki.Core;

namespace Pki.CaServer.Hosting;

/// <summary>The <c>CaServer</c> section of appsettings.json.</summary>
public sealed class CaServerOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "CaServer";

    /// <summary>The base URL that clients reach this server on; the CRL distribution point and AIA URLs of every CA point here.</summary>
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>The largest request body accepted, in bytes (413 above it).</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// <c>Sqlite</c> (the default: <c>ConnectionStrings:Pki</c>) or <c>InMemory</c> (nothing survives a restart; for load tests
    /// against servers that store nothing). Read by <c>Program.cs</c> when it chooses the store.
    /// </summary>
    public string Storage { get; set; } = "Sqlite";

    /// <summary>Where the SHA-256 of the generated admin API key is kept (<c>caserver-admin-key.sha256</c>); null keeps it in memory only.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>A fixed admin API key (for tests and scripts, e.g. from the environment). When set, no key is generated.</summary>
    public string? AdminApiKey { get; set; }

    /// <summary>The root CA created on first start.</summary>
    public AuthorityOptions Root { get; set; } = new()
    {
        Name = "CaServer Root CA",
        Subject = "CN=CaServer Root CA,O=Pki.Core Sample,C=US",
        KeyAlgorithm = KeyAlgorithm.EcdsaP384,
    };

    /// <summary>The issuing CA created under the root on first start; the default CA of the mTLS demonstration.</summary>
    public AuthorityOptions Issuing { get; set; } = new()
    {
        Name = "CaServer Issuing CA",
        Subject = "CN=CaServer Issuing CA,O=Pki.Core Sample,C=US",
    };

    /// <summary>API keys and the callers they stand for.</summary>
    public IList<ApiKeyOptions> ApiKeys { get; } = [];
}

/// <summary>A CA created from configuration.</summary>
public sealed class AuthorityOptions
{
    /// <summary>The CA name (unique within its organization).</summary>
    public string Name { get; set; } = "";

    /// <summary>The subject, RFC 4514.</summary>
    public string Subject { get; set; } = "";

    /// <summary>The organization that owns the CA, or null.</summary>
    public string? Organization { get; set; }

    /// <summary>The CA key algorithm.</summary>
    public KeyAlgorithm KeyAlgorithm { get; set; } = KeyAlgorithm.EcdsaP256;

    /// <summary>Validity in days; null for the library default.</summary>
    public int? ValidityDays { get; set; }
}

/// <summary>One API key: only its SHA-256 is configured, never the key itself.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>A name for the key, recorded as the caller's subject in audit events.</summary>
    public string Name { get; set; } = "";

    /// <summary>SHA-256 of the key's UTF-8 bytes, hex (<c>printf %s "$KEY" | sha256sum</c>).</summary>
    public string KeySha256 { get; set; } = "";

    /// <summary>The caller's organization, or null.</summary>
    public string? Organization { get; set; }

    /// <summary>The caller's roles (<c>Admin</c>, <c>Superuser</c>, or <c>"Admin, Superuser"</c>).</summary>
    public PkiRoles Roles { get; set; }

    /// <summary>Capabilities per CA: key = CA id or name, value = comma-separated <c>create_cert</c>, <c>revoke_cert</c>, <c>export_private_key</c>.</summary>
    public IDictionary<string, string> Capabilities { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
