using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pki.Core.Tests.Tokens;

/// <summary>
/// A token that locks the common name locks the identity: the CSR may ask only for subject alternative names that are
/// that name, since relying parties authenticate by SANs (an email, a SPIFFE URI) as much as by the CN.
/// </summary>
public sealed class LockedNameTests : IAsyncLifetime
{
    private TokenTestHost _ca = null!;

    public async Task InitializeAsync() => _ca = await TokenTestHost.CreateAsync();

    public Task DisposeAsync()
    {
        _ca.Dispose();
        return Task.CompletedTask;
    }

    private static string Csr(string subject, Action<SubjectAlternativeNameBuilder> names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var builder = new SubjectAlternativeNameBuilder();
        names(builder);
        request.CertificateExtensions.Add(builder.Build());
        return request.CreateSigningRequestPem();
    }

    [Theory]
    [InlineData("email:ceo@acme.example")]
    [InlineData("uri:spiffe://acme.example/admin")]
    [InlineData("dns:admin.acme.example")]
    [InlineData("ip:10.0.0.1")]
    public async Task A_san_other_than_the_locked_common_name_is_refused_and_the_token_stays_unused(string san)
    {
        var token = await _ca.CreateAsync(commonName: "alice@acme.example");
        string csr = Csr("CN=alice@acme.example", b =>
        {
            string value = san[(san.IndexOf(':', StringComparison.Ordinal) + 1)..];
            switch (san[..san.IndexOf(':', StringComparison.Ordinal)])
            {
                case "email": b.AddEmailAddress(value); break;
                case "uri": b.AddUri(new Uri(value)); break;
                case "dns": b.AddDnsName(value); break;
                default: b.AddIpAddress(IPAddress.Parse(value)); break;
            }
        });

        Assert.Equal(PkiErrorCode.PolicyViolation, await _ca.RedeemFailsAsync(token.Secret, csr));
        Assert.Equal(RequestTokenState.Unused, (await _ca.Tokens.GetAsync(token.Token.Id)).State);
    }

    [Fact]
    public async Task The_locked_common_name_itself_may_be_requested_as_a_san()
    {
        var token = await _ca.CreateAsync(commonName: "alice@acme.example");
        var issued = await _ca.RedeemAsync(token.Secret, Csr("CN=someone-else", b => b.AddEmailAddress("ALICE@acme.example")));

        Assert.Equal("alice@acme.example", issued.Record.Subject.CommonName);
        Assert.Equal(["ALICE@acme.example"], issued.Record.SubjectAlternativeNames.EmailAddresses);
    }

    [Fact]
    public async Task Without_a_locked_common_name_the_csr_chooses_its_names()
    {
        var token = await _ca.CreateAsync(organization: "Acme");
        var issued = await _ca.RedeemAsync(token.Secret, Csr("CN=device-7", b => b.AddUri(new Uri("spiffe://acme.example/device/7"))));

        Assert.Equal("spiffe://acme.example/device/7", Assert.Single(issued.Record.SubjectAlternativeNames.Uris).OriginalString);
    }

    [Fact]
    public async Task A_subject_email_other_than_the_locked_common_name_is_refused()
    {
        var token = await _ca.CreateAsync(commonName: "device-7");
        Assert.Equal(PkiErrorCode.PolicyViolation, await _ca.RedeemFailsAsync(token.Secret, TokenTestHost.Csr("E=ceo@acme.example, CN=device-7")));
        Assert.Equal(RequestTokenState.Unused, (await _ca.Tokens.GetAsync(token.Token.Id)).State);
    }

    [Fact]
    public async Task Only_the_canonical_text_of_an_address_locks_an_ip_san()
    {
        var token = await _ca.CreateAsync(commonName: "167772161"); // also parses as 10.0.0.1
        Assert.Equal(PkiErrorCode.PolicyViolation, await _ca.RedeemFailsAsync(token.Secret, Csr("CN=167772161", b => b.AddIpAddress(IPAddress.Parse("10.0.0.1")))));
    }

    [Fact]
    public async Task A_token_without_a_profile_is_a_client_token()
    {
        var created = await _ca.Tokens.CreateAsync(new CreateRequestTokenRequest { Name = "no-profile", Authority = CaReference.ById(_ca.Issuing.Id), Profile = null! });
        Assert.Equal(CertificateProfiles.Client, created.Token.Profile);
    }
}
