using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Pki.CaServer.Hosting;

namespace CaServer.Tests.TestSupport;

/// <summary>
/// The CaServer in memory (TestServer) with a fixed admin key and three configured API keys:
/// an operator (create_cert on the issuing CA), a revoker in no organization without capabilities, and a caller of another
/// organization who sees nothing.
/// </summary>
/// <param name="settings">Further configuration values, or null.</param>
public sealed class CaServerFactory(IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key";
    public const string OperatorKey = "test-operator-key";
    public const string StrangerKey = "test-stranger-key";

    public string RootId { get; private set; } = "";

    public string IssuingId { get; private set; } = "";

    public const string IssuingName = "CaServer Issuing CA";

    /// <summary>The server's SQLite database lives here (one fresh file per factory), deleted on dispose.</summary>
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("caserver-tests-").FullName;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Pki", "Data Source=" + Path.Combine(DataDirectory, "pki.db"));
        builder.UseSetting("CaServer:AdminApiKey", AdminKey);
        builder.UseSetting("CaServer:PublicBaseUrl", "http://localhost");
        builder.UseSetting("CaServer:ApiKeys:0:Name", "operator");
        builder.UseSetting("CaServer:ApiKeys:0:KeySha256", Sha256(OperatorKey));
        builder.UseSetting($"CaServer:ApiKeys:0:Capabilities:{IssuingName}", "create_cert");
        builder.UseSetting("CaServer:ApiKeys:1:Name", "stranger");
        builder.UseSetting("CaServer:ApiKeys:1:KeySha256", Sha256(StrangerKey));
        builder.UseSetting("CaServer:ApiKeys:1:Organization", "Other Org");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        DeleteDataDirectory();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        DeleteDataDirectory();
    }

    private void DeleteDataDirectory()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    public static string Sha256(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Starts the server and reads the ids of the bootstrapped CAs.</summary>
    public async Task StartAsync()
    {
        using var client = CreateClient();
        var state = Services.GetRequiredService<CaServerState>();
        await state.Ready.WaitAsync(TimeSpan.FromSeconds(60));
        RootId = state.RootId;
        IssuingId = state.IssuingId;
    }

    public HttpClient Client(string? key = AdminKey)
    {
        var client = CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }
}

/// <summary>One server for the whole API test class.</summary>
public sealed class CaServerFixture : IAsyncLifetime
{
    public CaServerFactory Server { get; } = new();

    public Task InitializeAsync() => Server.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public static class Http
{
    public static StringContent Json(object value, JsonSerializerOptions? options = null) =>
        new(JsonSerializer.Serialize(value, options), Encoding.UTF8, "application/json");

    public static StringContent RawJson(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static string[] PropertyNames(this JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];
}

[CollectionDefinition(Name)]
public sealed class ServerGroup : ICollectionFixture<CaServerFixture>
{
    public const string Name = "CaServer";
}
