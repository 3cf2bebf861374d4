using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pki.Core;
using Pki.Core.DependencyInjection;

namespace Pki.Storage.Sqlite.Tests.TestSupport;

/// <summary>A service provider with AddPki().UseSqlite(file) and a fixed key-encryption key; dispose it to "stop the process".</summary>
public sealed class SqlitePkiHost : IDisposable
{
    private readonly ServiceProvider _provider;

    /// <param name="connectionString">The SQLite connection string.</param>
    /// <param name="keyEncryptionKey">The key-encryption key.</param>
    /// <param name="configure">Changes to the services after <c>UseSqlite</c>, for example a decorated store.</param>
    public SqlitePkiHost(string connectionString, byte[] keyEncryptionKey, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddPki(options => options.KeyEncryptionKey = keyEncryptionKey).UseSqlite(connectionString);
        configure?.Invoke(services);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _ = _provider.GetRequiredService<IOptions<PkiOptions>>().Value;
    }

    public ICertificateAuthority Authority => Get<ICertificateAuthority>();

    public IRequestTokenService Tokens => Get<IRequestTokenService>();

    public IAuditLog Audit => Get<IAuditLog>();

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    public IServiceProvider Services => _provider;

    public async Task<(AuthorityRecord Root, AuthorityRecord Issuing)> CreateHierarchyAsync()
    {
        var root = await Authority.CreateRootAsync(new CreateRootAuthorityRequest
        {
            Name = "Root",
            Organization = "Acme Corp",
            Subject = DistinguishedName.Create(commonName: "Acme Root CA", organization: "Acme Corp", country: "DE"),
            KeyAlgorithm = KeyAlgorithm.EcdsaP384,
            PathLengthConstraint = 1,
        });
        var issuing = await Authority.CreateIntermediateAsync(new CreateIntermediateAuthorityRequest
        {
            Name = "Issuing",
            Organization = "Acme Corp",
            Parent = CaReference.ById(root.Id),
            Subject = DistinguishedName.Create(commonName: "Acme Issuing CA", organization: "Acme Corp", country: "DE"),
            ValidityDays = 1800,
            CrlDistributionPoint = new Uri("http://pki.example.com/issuing.crl"),
        });
        return (root, issuing);
    }

    public static string Csr(string subject = "CN=client.example.com")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
    }

    public void Dispose() => _provider.Dispose();
}
