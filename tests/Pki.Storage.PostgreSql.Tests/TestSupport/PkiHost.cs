using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Pki.Core;
using Pki.Core.DependencyInjection;

namespace Pki.Storage.PostgreSql.Tests.TestSupport;

/// <summary>One CA host: a service provider with Pki.Core over PostgreSQL and its own connection pool.</summary>
internal sealed class PkiHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    /// <summary>The key-encryption key every host of a test shares (hosts of one deployment must share it).</summary>
    public static byte[] SharedKeyEncryptionKey { get; } = RandomNumberGenerator.GetBytes(32);

    /// <param name="connectionString">The database.</param>
    /// <param name="time">This host's clock (hosts' clocks may disagree); the system clock when null.</param>
    public PkiHost(string connectionString, TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddPki(options => options.KeyEncryptionKey = SharedKeyEncryptionKey).UsePostgreSql(connectionString);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public ICertificateAuthority Authority => _provider.GetRequiredService<ICertificateAuthority>();

    public IRequestTokenService Tokens => _provider.GetRequiredService<IRequestTokenService>();

    public IRevocationService Revocation => _provider.GetRequiredService<IRevocationService>();

    public IAuditLog Audit => _provider.GetRequiredService<IAuditLog>();

    public T Get<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    public IServiceProvider Services => _provider;

    /// <summary>Creates a root and an issuing CA; returns the issuing CA.</summary>
    public async Task<AuthorityRecord> CreateIssuingCaAsync(string name)
    {
        var root = await Authority.CreateRootAsync(new CreateRootAuthorityRequest
        {
            Name = name + " Root",
            Subject = DistinguishedName.Create(commonName: name + " Root", organization: "Acme Corp", country: "US"),
            KeyAlgorithm = KeyAlgorithm.EcdsaP256,
            PathLengthConstraint = 1,
        });
        return await Authority.CreateIntermediateAsync(new CreateIntermediateAuthorityRequest
        {
            Name = name + " Issuing",
            Parent = CaReference.ById(root.Id),
            Subject = DistinguishedName.Create(commonName: name + " Issuing", organization: "Acme Corp", country: "US"),
            ValidityDays = 365,
        });
    }

    /// <summary>Issues a server certificate with a library-generated key.</summary>
    public ValueTask<IssuedCertificate> IssueAsync(AuthorityRecord ca, string host) => Authority.IssueAsync(new IssueCertificateRequest
    {
        Authority = CaReference.ById(ca.Id),
        Profile = CertificateProfiles.Server,
        Subject = DistinguishedName.Create(commonName: host, organization: "Acme Corp"),
        SubjectAlternativeNames = new SubjectAlternativeNames(dnsNames: [host]),
        ValidityDays = 30,
    });

    /// <summary>A fresh P-256 CSR in PEM.</summary>
    public static string NewCsr(string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
