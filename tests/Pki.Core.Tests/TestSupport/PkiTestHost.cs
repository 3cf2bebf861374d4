using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Pki.Core.DependencyInjection;

namespace Pki.Core.Tests.TestSupport;

/// <summary>A service provider with Pki.Core added, optionally on a fake clock.</summary>
public sealed class PkiTestHost : IDisposable
{
    private readonly ServiceProvider _provider;

    public PkiTestHost(Action<PkiOptions>? configure = null, TimeProvider? time = null, Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection();
        if (time is not null)
        {
            collection.AddSingleton(time);
        }

        services?.Invoke(collection);
        collection.AddPki(configure ?? (_ => { }));
        _provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _ = _provider.GetRequiredService<IOptions<PkiOptions>>().Value;
    }

    public static FakeTimeProvider FakeClock() => new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    public IServiceProvider Services => _provider;

    public ICertificateAuthority Authority => _provider.GetRequiredService<ICertificateAuthority>();

    public ICsrSigner Signer => _provider.GetRequiredService<ICsrSigner>();

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    public async Task<(AuthorityRecord Root, AuthorityRecord Issuing)> CreateHierarchyAsync(
        KeyAlgorithm rootAlgorithm = KeyAlgorithm.EcdsaP256,
        KeyAlgorithm issuingAlgorithm = KeyAlgorithm.EcdsaP256,
        Uri? crl = null,
        Uri? ocsp = null,
        Uri? deltaCrl = null)
    {
        var root = await Authority.CreateRootAsync(new CreateRootAuthorityRequest
        {
            Name = "Root " + Guid.NewGuid().ToString("N"),
            Subject = DistinguishedName.Create(commonName: "Test Root CA", organization: "Acme Corp", country: "US"),
            KeyAlgorithm = rootAlgorithm,
            PathLengthConstraint = 1,
        });
        var issuing = await Authority.CreateIntermediateAsync(new CreateIntermediateAuthorityRequest
        {
            Name = "Issuing " + Guid.NewGuid().ToString("N"),
            Parent = CaReference.ById(root.Id),
            Subject = DistinguishedName.Create(commonName: "Test Issuing CA", organization: "Acme Corp", country: "US"),
            KeyAlgorithm = issuingAlgorithm,
            ValidityDays = 1800,
            CrlDistributionPoint = crl,
            DeltaCrlDistributionPoint = deltaCrl,
            OcspResponder = ocsp,
        });
        return (root, issuing);
    }

    public void Dispose() => _provider.Dispose();
}
