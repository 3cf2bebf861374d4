using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CaServer.Tests.TestSupport;

namespace CaServer.Tests;

/// <summary>Seed 000: request tokens (camelCase) and their redemption without an API key.</summary>
[Collection(ServerGroup.Name)]
public sealed class TokenApiTests(CaServerFixture fixture)
{
    private CaServerFactory Server => fixture.Server;

    private async Task<JsonElement> CreateTokenAsync(HttpClient client, string name)
    {
        using var response = await client.PostAsync($"/frontdoor/{Server.IssuingId}/certificate-request-tokens", Http.RawJson($$"""
            {
              "name": "{{name}}",
              "commonName": "api.example.com",
              "organization": "Example Corp",
              "organizationalUnit": "API Services",
              "validYears": 1
            }
            """));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    [Fact]
    public async Task Create_answers_the_seed_fields_in_camelCase()
    {
        using var client = Server.Client();
        var token = await CreateTokenAsync(client, "api-service-cert");
        string[] names = token.PropertyNames();
        foreach (string name in new[] { "id", "name", "token", "commonName", "organization", "organizationalUnit", "expiresAt" })
        {
            Assert.Contains(name, names);
        }

        Assert.StartsWith("crt_", token.GetProperty("token").GetString(), StringComparison.Ordinal);
        Assert.Equal("api.example.com", token.GetProperty("commonName").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", token.GetProperty("expiresAt").GetString());
        Assert.Equal(365, token.GetProperty("validityDays").GetInt32());
    }

    [Fact]
    public async Task Subject_fields_left_blank_lock_nothing()
    {
        // Seed 000: CN, O and OU lock the subject "unless they're left blank": "" is blank, as an absent field is.
        using var admin = Server.Client();
        using var create = await admin.PostAsync($"/frontdoor/{Server.IssuingId}/certificate-request-tokens", Http.RawJson("""
            { "name": "blank-fields", "commonName": "", "organization": " ", "organizationalUnit": "" }
            """));
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        string secret = (await create.ReadJsonAsync()).GetProperty("token").GetString()!;

        using var anonymous = Server.Client(key: null);
        using var csr = new TestCsr("CN=from-the-csr, O=Csr Corp");
        using var redeemed = await anonymous.PostAsync($"/frontdoor/{Server.IssuingId}/client-certificates/token/{secret}",
            Http.Json(new { type = "CSR", value = csr.Pem }));
        Assert.Equal(HttpStatusCode.Created, redeemed.StatusCode);
        using var certificate = X509Certificate2.CreateFromPem((await redeemed.ReadJsonAsync()).GetProperty("certificate").GetString());
        Assert.Equal("CN=from-the-csr, O=Csr Corp", certificate.Subject);
    }

    [Fact]
    public async Task Redeem_end_to_end_with_a_dotnet_CSR_then_the_token_is_used()
    {
        using var admin = Server.Client();
        var token = await CreateTokenAsync(admin, "redeem-me");
        string secret = token.GetProperty("token").GetString()!;
        string id = token.GetProperty("id").GetString()!;

        using var anonymous = Server.Client(key: null);
        using var csr = new TestCsr("CN=someone-else, O=Other");
        using var redeemed = await anonymous.PostAsync($"/frontdoor/{Server.IssuingId}/client-certificates/token/{secret}",
            Http.Json(new { type = "CSR", value = csr.Pem }));
        Assert.Equal(HttpStatusCode.Created, redeemed.StatusCode);
        var body = await redeemed.ReadJsonAsync();
        using var certificate = X509Certificate2.CreateFromPem(body.GetProperty("certificate").GetString());
        Assert.Equal("CN=api.example.com, OU=API Services, O=Example Corp", certificate.Subject);
        Assert.Equal("redeem-me", body.GetProperty("name").GetString());

        using var get = await admin.GetAsync($"/frontdoor/{Server.IssuingId}/certificate-request-tokens/{id}");
        var state = await get.ReadJsonAsync();
        Assert.Equal("used", state.GetProperty("state").GetString());
        Assert.DoesNotContain("token", state.PropertyNames());

        // Single use: the public route answers every refusal alike.
        using var again = await anonymous.PostAsync($"/frontdoor/{Server.IssuingId}/client-certificates/token/{secret}",
            Http.Json(new { type = "CSR", value = csr.Pem }));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        using var bogus = await anonymous.PostAsync($"/frontdoor/{Server.IssuingId}/client-certificates/token/crt_nope",
            Http.Json(new { type = "CSR", value = csr.Pem }));
        Assert.Equal(HttpStatusCode.NotFound, bogus.StatusCode);
        Assert.Equal((await again.ReadJsonAsync()).GetProperty("detail").GetString(), (await bogus.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_bad_CSR_is_400_and_does_not_use_up_the_token()
    {
        using var admin = Server.Client();
        var token = await CreateTokenAsync(admin, "bad-csr");
        string secret = token.GetProperty("token").GetString()!;
        using var anonymous = Server.Client(key: null);
        using var bad = await anonymous.PostAsync($"/frontdoor/{Server.IssuingId}/client-certificates/token/{secret}",
            Http.Json(new { type = "CSR", value = "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----" }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var csr = new TestCsr("CN=x");
        using var good = await anonymous.PostAsync($"/frontdoor/{Server.IssuingId}/client-certificates/token/{secret}",
            Http.Json(new { type = "CSR", value = csr.Pem }));
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
    }

    [Fact]
    public async Task A_token_redeems_only_under_its_own_frontdoor()
    {
        using var admin = Server.Client();
        var token = await CreateTokenAsync(admin, "own-frontdoor");
        string secret = token.GetProperty("token").GetString()!;
        using var anonymous = Server.Client(key: null);
        using var csr = new TestCsr("CN=x");
        using var elsewhere = await anonymous.PostAsync($"/frontdoor/{Server.RootId}/client-certificates/token/{secret}",
            Http.Json(new { type = "CSR", value = csr.Pem }));
        Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
        Assert.Equal("TokenNotFound", (await elsewhere.ReadJsonAsync()).GetProperty("code").GetString());
        using var own = await anonymous.PostAsync($"/frontdoor/{Server.IssuingId}/client-certificates/token/{secret}",
            Http.Json(new { type = "CSR", value = csr.Pem }));
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
    }

    [Fact]
    public async Task List_get_and_delete_then_a_deleted_token_cannot_be_redeemed()
    {
        using var admin = Server.Client();
        var token = await CreateTokenAsync(admin, "to-delete");
        string id = token.GetProperty("id").GetString()!;

        using var list = await admin.GetAsync($"/frontdoor/{CaServerFactory.IssuingName}/certificate-request-tokens");
        Assert.Contains((await list.ReadJsonAsync()).EnumerateArray(), t => t.GetProperty("id").GetString() == id);

        using var deleted = await admin.DeleteAsync($"/frontdoor/{Server.IssuingId}/certificate-request-tokens/{id}");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal("deleted", (await deleted.ReadJsonAsync()).GetProperty("state").GetString());

        using var anonymous = Server.Client(key: null);
        using var csr = new TestCsr("CN=x");
        using var redeem = await anonymous.PostAsync($"/frontdoor/{Server.IssuingId}/client-certificates/token/{token.GetProperty("token").GetString()}",
            Http.Json(new { type = "CSR", value = csr.Pem }));
        Assert.Equal(HttpStatusCode.NotFound, redeem.StatusCode);

        using var wrongFrontdoor = await admin.GetAsync($"/frontdoor/{Server.RootId}/certificate-request-tokens/{id}");
        Assert.Equal(HttpStatusCode.NotFound, wrongFrontdoor.StatusCode);
        using var unknown = await admin.GetAsync($"/frontdoor/{Server.IssuingId}/certificate-request-tokens/0123456789abcdef0123456789abcdef");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Token_management_needs_a_key_and_a_valid_name()
    {
        using var anonymous = Server.Client(key: null);
        using var noKey = await anonymous.PostAsync($"/frontdoor/{Server.IssuingId}/certificate-request-tokens", Http.Json(new { name = "x" }));
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);

        using var admin = Server.Client();
        using var noName = await admin.PostAsync($"/frontdoor/{Server.IssuingId}/certificate-request-tokens", Http.Json(new { commonName = "x" }));
        Assert.Equal(HttpStatusCode.BadRequest, noName.StatusCode);
    }

    [Fact]
    public void Response_records_print_no_private_key_or_token_secret()
    {
        // Records print every property: the key and the secret these responses carry once must not reach a log line.
        const string key = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgS3cretKeyBody\n-----END PRIVATE KEY-----\n";
        var certificate = new Pki.CaServer.Routes.CertificateResponse(
            "id", "ca", "CA", "cn", "CN=cn", "server", "server", "01", "ff", "nb", "na", 30, "active", [], [], [], "sha256WithECDSA", "ECDSA", 256, null, null, null,
            "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n", null, key);
        Assert.DoesNotContain("S3cretKeyBody", certificate.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("S3cretKeyBody", (certificate with { Id = "copy" }).ToString(), StringComparison.Ordinal);

        const string secret = "crt_S3cretTokenValue0123456789abcdefghijklmnopq";
        var token = new Pki.Core.RequestTokenRecord
        {
            Id = "t", Name = "n", Authority = new Pki.Core.AuthoritySummary("a", "A"), Profile = "client", CreatedAt = DateTimeOffset.UnixEpoch, ExpiresAt = DateTimeOffset.UnixEpoch,
        };
        var responseType = typeof(Pki.CaServer.Routes.TokenRoutes).GetNestedType("TokenResponse", System.Reflection.BindingFlags.NonPublic)!;
        object response = responseType.GetMethod("From")!.Invoke(null, [token, secret])!;
        Assert.Contains(secret, JsonSerializer.Serialize(response, responseType), StringComparison.Ordinal); // the one response that carries it
        Assert.DoesNotContain("S3cretTokenValue", response.ToString(), StringComparison.Ordinal);
    }
}
