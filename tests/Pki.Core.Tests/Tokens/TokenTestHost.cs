using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Tokens;

/// <summary>A Pki.Core host on a fake clock with a root and an issuing CA, plus helpers to create and redeem tokens.</summary>
public sealed class TokenTestHost : IDisposable
{
    private TokenTestHost(PkiTestHost host, FakeTimeProvider clock)
    {
        Host = host;
        Clock = clock;
    }

    public PkiTestHost Host { get; }

    public FakeTimeProvider Clock { get; }

    public AuthorityRecord Root { get; private set; } = null!;

    public AuthorityRecord Issuing { get; private set; } = null!;

    public IRequestTokenService Tokens => Host.Get<IRequestTokenService>();

    public static async Task<TokenTestHost> CreateAsync(Action<IServiceCollection>? services = null)
    {
        var clock = PkiTestHost.FakeClock();
        var result = new TokenTestHost(new PkiTestHost(time: clock, services: services), clock);
        (result.Root, result.Issuing) = await result.Host.CreateHierarchyAsync();
        return result;
    }

    public Task<CreatedRequestToken> CreateAsync(
        string? commonName = null,
        string? organization = null,
        string? organizationalUnit = null,
        int? validityDays = null,
        DateTimeOffset? expiresAt = null,
        string name = "api-service-cert") =>
        Tokens.CreateAsync(new CreateRequestTokenRequest
        {
            Name = name,
            Authority = CaReference.ById(Issuing.Id),
            CommonName = commonName,
            Organization = organization,
            OrganizationalUnit = organizationalUnit,
            ValidityDays = validityDays,
            ExpiresAt = expiresAt,
        }).AsTask();

    public Task<IssuedCertificate> RedeemAsync(string secret, string csrPem) =>
        Tokens.RedeemAsync(new RedeemRequestTokenRequest { Secret = secret, Csr = CsrInput.FromPem(csrPem) }).AsTask();

    public async Task<PkiErrorCode> RedeemFailsAsync(string secret, string csrPem) =>
        (await Assert.ThrowsAsync<PkiException>(() => RedeemAsync(secret, csrPem))).Code;

    public static string Csr(string subject = "CN=alice@example.com")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
    }

    public static string Csr(X500DistinguishedName subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
    }

    public void Dispose() => Host.Dispose();
}
