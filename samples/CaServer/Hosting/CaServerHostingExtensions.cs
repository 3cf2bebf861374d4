using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Pki.CaServer.Http;
using Pki.CaServer.Routes;
using Pki.CaServer.Security;
using Pki.Core;
using Pki.Core.DependencyInjection;

namespace Pki.CaServer.Hosting;

/// <summary>Wires the sample: the library with an HTTP caller accessor, API keys, Kestrel limits and the mTLS listener, and the routes.</summary>
public static class CaServerHostingExtensions
{
    /// <summary>The development key-encryption key in appsettings.json (public, so never for production; the server warns when it is in use).</summary>
    public const string DevelopmentKeyEncryptionKey = "QWVC5uHunZLbCoTUmswIrpcUonmGmCpE2EVA/dZ4PXY=";

    /// <summary>Adds the library and the server's services; returns the library's builder so a store can be chosen in one line.</summary>
    public static IPkiBuilder AddCaServer(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(CaServerOptions.Section);
        builder.Services.AddOptions<CaServerOptions>().Bind(section);
        long maxBody = section.GetValue<long?>(nameof(CaServerOptions.MaxRequestBodyBytes)) ?? new CaServerOptions().MaxRequestBodyBytes;

        // The public redemption route has the token secret in its path, and two ASP.NET Core categories log request paths:
        // the request lines ("Request starting POST http://…/token/crt_…", Information) and the route matcher (Debug).
        // They stay off whatever the configuration says; the server's own error log shows the path as …/token/{token}.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing.Matching", LogLevel.None);

        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<ICallerAccessor, HttpCallerAccessor>(); // before AddPki, which only TryAdds its default
        builder.Services.AddSingleton<ApiKeyRegistry>();
        builder.Services.AddSingleton<CaServerState>();
        builder.Services.AddSingleton<PublicUrls>();
        builder.Services.AddSingleton<PublicationNameIndex>();
        builder.Services.AddHostedService<AuthorityBootstrapper>();
        builder.Services.AddSingleton<TlsCertificateRenewal>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TlsCertificateRenewal>());

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = maxBody;
            kestrel.ConfigureHttpsDefaults(https =>
            {
                // Runs when the listeners bind, after the bootstrap (a hosted service) has issued the certificate: the HTTPS
                // listener presents a certificate from the server's own CA, with the issuing chain.
                var state = kestrel.ApplicationServices.GetRequiredService<CaServerState>();
                https.ServerCertificate = state.TlsCertificate ?? throw new InvalidOperationException("The bootstrap has not issued the TLS certificate.");
                var chain = new X509Certificate2Collection();
                chain.ImportFromPem(state.IssuingChainPem);
                https.ServerCertificateChain = chain;
                // Each new connection presents the current certificate: the renewal replaces it without a restart.
                https.OnAuthenticate = (_, ssl) => ssl.ServerCertificateContext = state.TlsContext ?? ssl.ServerCertificateContext;
                // Client certificates are optional at the TLS layer and judged by the route (/mtls/hello) against the library.
                https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                https.ClientCertificateValidation = static (_, _, _) => true;
            });
        });

        // The key that encrypts CA keys at rest (base64 of 32 bytes, from a secret store): needed with a durable store.
        string? keyEncryptionKey = builder.Configuration["Pki:KeyEncryptionKey"];
        var tidy = builder.Configuration.GetSection("Pki:Tidy");
        return builder.Services.AddPki(pki =>
            {
                if (!string.IsNullOrEmpty(keyEncryptionKey))
                {
                    // Not Convert.FromBase64String: its FormatException would not say which setting is wrong.
                    byte[] decoded = new byte[(keyEncryptionKey.Length * 3 / 4) + 3];
                    pki.KeyEncryptionKey = Convert.TryFromBase64String(keyEncryptionKey, decoded, out int length)
                        ? decoded[..length]
                        : throw new InvalidOperationException("Pki:KeyEncryptionKey is not valid base64: it must be the base64 of 32 random bytes.");
                }
            })
            .AddTidyService(options =>
            {
                // Retention, batches and interval from Pki:Tidy; the background tidy runs only when Pki:Tidy:Enabled is true.
                tidy.Bind(options);
                options.Enabled = tidy.GetValue(nameof(TidyOptions.Enabled), false);
            });
    }

    /// <summary>Adds the middleware and maps every route.</summary>
    public static WebApplication MapCaServer(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<ErrorMiddleware>();
        app.UseRouting();
        app.UseMiddleware<ApiKeyMiddleware>();

        TokenRoutes.Map(app);
        ZoneRoutes.Map(app);
        CertificateRoutes.Map(app);
        AuthorityRoutes.Map(app);
        PublicationRoutes.Map(app);
        MtlsRoutes.Map(app);
        CsrGenerationRoutes.Map(app);
        return app;
    }
}
