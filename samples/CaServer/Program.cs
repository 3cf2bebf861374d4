// Pki.Core CaServer: the seeds' REST APIs over the library (see docs/caserver.md). Thin on purpose: every PKI rule
// lives in the library; this host maps HTTP and JSON to it and API keys to callers.
using Pki.CaServer.Hosting;

var builder = WebApplication.CreateBuilder(args);

// The library, API-key callers, JSON limits, and the HTTPS listener of the mTLS demonstration.
var pki = builder.AddCaServer();

// Storage: the library's in-memory stores (everything is gone when the server stops). For a durable server, one line:
// pki.UseSqlite("Data Source=pki.db");
_ = pki;

var app = builder.Build();
app.MapCaServer();
await app.RunAsync();

/// <summary>The entry point (visible to the integration tests).</summary>
public partial class Program;
