using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using CaServer.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pki.CaServer.Hosting;

namespace CaServer.Tests;

/// <summary>
/// The mTLS demonstration with real handshakes: the real Kestrel on 127.0.0.1 (free ports), an HTTPS listener with a
/// certificate from the server's own CA, and a client certificate from the zone API: 200, then 403 after DELETE (hold),
/// then 200 after PATCH (reactivate).
/// </summary>
public sealed class MutualTlsTests
{
    private const string AdminKey = "mtls-admin-key";

    [Fact]
    public async Task Good_client_gets_200_held_is_refused_reactivated_gets_200_again()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0", "https://127.0.0.1:0");
        builder.Configuration["CaServer:AdminApiKey"] = AdminKey;
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddCaServer();
        await using var app = builder.Build();
        app.MapCaServer();
        await app.StartAsync();

        string http = app.Urls.Single(u => u.StartsWith("http://", StringComparison.Ordinal));
        string https = app.Urls.Single(u => u.StartsWith("https://", StringComparison.Ordinal));
        var state = app.Services.GetRequiredService<CaServerState>();

        // An admin over plain HTTP: a client certificate from the zone API for a key made here.
        using var admin = new HttpClient { BaseAddress = new Uri(http) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var csr = new TestCsr("CN=mtls-client, O=Acme Corp");
        using var created = await admin.PostAsync($"/zones/{state.IssuingId}/client_certificates", Http.Json(new { csr = csr.Pem, validity_days = 30 }));
        var result = (await created.ReadJsonAsync()).GetProperty("result");
        string id = result.GetProperty("id").GetString()!;
        using var clientCertificate = csr.WithKey(result.GetProperty("certificate").GetString()!);
        using var root = X509CertificateLoader.LoadCertificate(await admin.GetByteArrayAsync($"/ca/{state.RootId}.crt"));

        Assert.Equal(HttpStatusCode.OK, await HelloAsync(https, root, clientCertificate));

        using var held = await admin.DeleteAsync($"/zones/{state.IssuingId}/client_certificates/{id}");
        Assert.Equal(HttpStatusCode.OK, held.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, await HelloAsync(https, root, clientCertificate));

        using var reactivated = await admin.PatchAsync($"/zones/{state.IssuingId}/client_certificates/{id}", null);
        Assert.Equal(HttpStatusCode.OK, reactivated.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await HelloAsync(https, root, clientCertificate));

        // No client certificate, or one from another CA.
        Assert.Equal(HttpStatusCode.Forbidden, await HelloAsync(https, root, null));
        using var stranger = SelfSigned();
        Assert.Equal(HttpStatusCode.Forbidden, await HelloAsync(https, root, stranger));

        // Renewal (due two thirds into the 30 days): new connections present the new certificate, with its chain.
        var listener = state.TlsCertificate!;
        Assert.Equal(listener.Thumbprint, s_presented);
        var notBefore = new DateTimeOffset(listener.NotBefore.ToUniversalTime());
        Assert.InRange(TlsListenerCertificate.RenewalDue(listener), notBefore + TimeSpan.FromDays(19.9), notBefore + TimeSpan.FromDays(20.1));
        await app.Services.GetRequiredService<TlsCertificateRenewal>().RenewAsync(CancellationToken.None);
        Assert.NotEqual(listener.Thumbprint, state.TlsCertificate!.Thumbprint);
        Assert.Equal(HttpStatusCode.OK, await HelloAsync(https, root, clientCertificate));
        Assert.Equal(state.TlsCertificate.Thumbprint, s_presented);

        await app.StopAsync();
    }

    /// <summary>The certificate the server presented on the last handshake of <see cref="HelloAsync"/>.</summary>
    private static string? s_presented;

    /// <summary>One request on a new connection; the server is trusted only through the server's own root.</summary>
    private static async Task<HttpStatusCode> HelloAsync(string baseUrl, X509Certificate2 root, X509Certificate2? clientCertificate)
    {
        using var handler = new HttpClientHandler
        {
            ClientCertificateOptions = ClientCertificateOption.Manual,
            ServerCertificateCustomValidationCallback = (_, server, chain, _) =>
            {
                if (server is null || chain is null)
                {
                    return false;
                }

                s_presented = server.Thumbprint;

                // The chain the handshake delivered (its extra store holds the intermediates the server sent), anchored
                // only at the server's own root.
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(root);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1"));
                return chain.Build(server);
            },
        };
        if (clientCertificate is not null)
        {
            handler.ClientCertificates.Add(clientCertificate);
        }

        using var client = new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
        using var response = await client.GetAsync("/mtls/hello");
        return response.StatusCode;
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new CertificateRequest("CN=stranger", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2")], false));
        using var certificate = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddMinutes(-5), TimeProvider.System.GetUtcNow().AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
