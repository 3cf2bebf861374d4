// Pki.Core CaServer: the seeds' REST APIs over the library (see docs/caserver.md). Thin on purpose: every PKI rule
// lives in the library; this host maps HTTP and JSON to it and API keys to callers.
using Pki.CaServer.Hosting;
using Pki.Storage.Sqlite;

var builder = WebApplication.CreateBuilder(args);

// The library, API-key callers, JSON limits, and the HTTPS listener of the mTLS demonstration.
var pki = builder.AddCaServer();

// Storage: one SQLite file (ConnectionStrings:Pki, default "Data Source=pki.db" in the working directory). CA keys are
// encrypted at rest under Pki:KeyEncryptionKey; start-up fails without one. appsettings.json ships a development key:
// production must supply its own (environment variable Pki__KeyEncryptionKey, from a secret store).
// CaServer:Storage = InMemory keeps everything in process memory instead (benchmarks/HttpLoad uses it to compare with
// `cfssl serve`, which stores nothing): nothing survives a restart, and the server says so at start-up.
bool inMemory = string.Equals(builder.Configuration["CaServer:Storage"], "InMemory", StringComparison.OrdinalIgnoreCase);
if (!inMemory)
{
    pki.UseSqlite(builder.Configuration.GetConnectionString("Pki") ?? "Data Source=pki.db");
}

var app = builder.Build();
if (app.Configuration["Pki:KeyEncryptionKey"] == CaServerHostingExtensions.DevelopmentKeyEncryptionKey)
{
    app.Logger.LogWarning(
        "Pki:KeyEncryptionKey is the public development key from appsettings.json: anyone with the database can decrypt the CA keys. Supply your own (Pki__KeyEncryptionKey).");
}

if (inMemory)
{
    app.Logger.LogWarning("CaServer:Storage is InMemory: CAs, certificates and audit events are lost when the process exits.");
}

app.MapCaServer();
await app.RunAsync();

/// <summary>The entry point (visible to the integration tests).</summary>
public partial class Program;
