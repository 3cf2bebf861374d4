using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pki.Core.Audit;
using Pki.Core.Authority;
using Pki.Core.Authorization;
using Pki.Core.Authorization.Governed;
using Pki.Core.Issuance;
using Pki.Core.Issuance.Profiles;
using Pki.Core.Keys;
using Pki.Core.Keys.Export;
using Pki.Core.Keys.Generation;
using Pki.Core.Revocation;
using Pki.Core.Storage.InMemory;
using Pki.Core.Tidy;
using Pki.Core.Tokens;

namespace Pki.Core.DependencyInjection;

/// <summary>Adds Pki.Core to a service collection.</summary>
public static class PkiServiceCollectionExtensions
{
    /// <summary>Adds Pki.Core with default options and in-memory stores.</summary>
    public static IPkiBuilder AddPki(this IServiceCollection services) => services.AddPki(static _ => { });

    /// <summary>
    /// Adds Pki.Core: <see cref="ICertificateAuthority"/>, <see cref="ICsrSigner"/>, <see cref="ICsrGenerator"/>,
    /// <see cref="IPrivateKeyExporter"/>, <see cref="IKeyEncryptionKeyRotation"/>, <see cref="ITidyService"/>, the envelope
    /// <see cref="IPrivateKeyProtector"/>, the software
    /// <see cref="ISigningKeyProvider"/> and in-memory stores. Every registration uses <c>TryAdd</c>, so a second call is
    /// harmless and any service (a store, the key provider, <see cref="TimeProvider"/>) can be replaced by registering
    /// it first or by a storage package. Options are validated at start-up. Logging is used when the host has added it (<c>AddLogging</c>).
    /// </summary>
    public static IPkiBuilder AddPki(this IServiceCollection services, Action<PkiOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<PkiOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PkiOptions>, PkiOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton<IAuthorityStore, InMemoryAuthorityStore>();
        services.TryAddSingleton<ICertificateStore, InMemoryCertificateStore>();
        services.TryAddSingleton<IPrivateKeyStore, InMemoryPrivateKeyStore>();
        services.TryAddSingleton<IAuditStore, InMemoryAuditStore>();
        services.TryAddSingleton<ICallerAccessor, SystemCallerAccessor>();
        // The authorizer and the audit writer see the host's caller, or the system caller in work the library starts itself.
        services.TryAddSingleton<ScopedCallerAccessor>();
        services.TryAddSingleton(sp => new PkiAuthorizer(sp.GetRequiredService<ScopedCallerAccessor>()));
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<AuditWriter>(sp, sp.GetRequiredService<ScopedCallerAccessor>()));
        services.TryAddSingleton<AuditLog>();
        services.TryAddSingleton<IAuditLog, GovernedAuditLog>();
        services.TryAddSingleton<IRequestTokenStore, InMemoryRequestTokenStore>();
        services.TryAddSingleton<IRevocationStore, InMemoryRevocationStore>();

        services.TryAddSingleton<IdGenerator>();
        services.TryAddSingleton<IPrivateKeyProtector, EnvelopeKeyProtector>();
        services.TryAddSingleton<PrivateKeyEscrow>();
        services.TryAddSingleton<EnrollmentPolicyEnforcer>();
        services.TryAddSingleton<CsrGenerator>();
        services.TryAddSingleton<PrivateKeyExporter>();
        services.TryAddSingleton<KeyEncryptionKeyRotation>();
        services.TryAddSingleton<ICsrGenerator, GovernedCsrGenerator>();
        services.TryAddSingleton<IPrivateKeyExporter, GovernedPrivateKeyExporter>();
        services.TryAddSingleton<IKeyEncryptionKeyRotation, GovernedKeyEncryptionKeyRotation>();
        services.TryAddSingleton<ISigningKeyProvider, SoftwareSigningKeyProvider>();
        services.TryAddSingleton<AuthorityResolver>();
        services.TryAddSingleton<ProfileCatalog>();
        services.TryAddSingleton<IssuancePipeline>();
        services.TryAddSingleton<CertificateAuthorityService>();
        services.TryAddSingleton<CsrSigner>();
        services.TryAddSingleton<RequestTokenService>();
        services.TryAddSingleton<GovernedAuthorityLookup>();

        // What hosts resolve: the engines behind one authorization, audit and telemetry boundary.
        services.TryAddSingleton<ICertificateAuthority, GovernedCertificateAuthority>();
        services.TryAddSingleton<ICsrSigner, GovernedCsrSigner>();
        services.TryAddSingleton<IRequestTokenService, GovernedRequestTokenService>();
        services.TryAddSingleton<OcspIssuerIndex>();
        services.TryAddSingleton<RevocationService>();
        services.TryAddSingleton<IRevocationService, GovernedRevocationService>();
        services.TryAddSingleton<TidyService>();
        services.TryAddSingleton<ITidyService, GovernedTidyService>();
        return new PkiBuilder(services);
    }

    /// <summary>
    /// Adds the background tidy service: a hosted service that runs <see cref="ITidyService"/> as the system caller at
    /// start-up and then every <see cref="TidyOptions.Interval"/>, logging a failed pass and carrying on. Needs a host that
    /// runs hosted services (the generic host, ASP.NET Core). A second call adds no second service.
    /// </summary>
    /// <param name="builder">The builder <c>AddPki</c> returned.</param>
    /// <param name="configure">Changes <see cref="PkiOptions.Tidy"/> (retention, batches, interval, <see cref="TidyOptions.Enabled"/>), or null.</param>
    /// <returns><paramref name="builder"/>, to chain further calls.</returns>
    public static IPkiBuilder AddTidyService(this IPkiBuilder builder, Action<TidyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (configure is not null)
        {
            builder.Services.Configure<PkiOptions>(options => configure(options.Tidy));
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TidyBackgroundService>());
        return builder;
    }
}
