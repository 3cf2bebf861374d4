using System.Net;
using System.Text.Json;
using CaServer.Tests.TestSupport;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CaServer.Tests;

[Collection(ServerGroup.Name)]
public sealed class AuthAndErrorTests(CaServerFixture fixture)
{
    private CaServerFactory Server => fixture.Server;

    [Fact]
    public async Task A_key_encryption_key_that_is_not_base64_fails_start_up_naming_the_setting()
    {
        await using var server = new CaServerFactory(new Dictionary<string, string> { ["Pki:KeyEncryptionKey"] = "not base64!" });

        var error = await Record.ExceptionAsync(server.StartAsync);

        Assert.NotNull(error);
        Assert.Contains("Pki:KeyEncryptionKey", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_api_key_is_401_with_a_problem_body_and_bearer_challenge()
    {
        using var client = Server.Client(key: null);
        using var response = await client.GetAsync("/api/v1/certificates/");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        var problem = await response.ReadJsonAsync();
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Equal("Unauthorized", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_mtls_route_without_a_client_certificate_is_403_with_no_bearer_challenge()
    {
        // TLS client authentication cannot be asked for again in an HTTP answer, and no HTTP authentication scheme names
        // it; a 401 would have to carry a challenge (RFC 9110 section 15.5.2) that no client could answer.
        using var client = Server.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        using var response = await client.GetAsync("/mtls/hello");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(response.Headers.WwwAuthenticate);
        var problem = await response.ReadJsonAsync();
        Assert.Equal("Forbidden", problem.GetProperty("code").GetString());
        Assert.Contains("client certificate", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_api_key_is_401_even_on_anonymous_routes()
    {
        using var client = Server.Client("not-a-key");
        using var list = await client.GetAsync("/api/v1/cas/");
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        using var crl = await client.GetAsync($"/crl/{Server.IssuingId}.crl");
        Assert.Equal(HttpStatusCode.Unauthorized, crl.StatusCode);
    }

    [Fact]
    public async Task Zone_routes_answer_401_in_the_envelope()
    {
        using var client = Server.Client(key: null);
        using var response = await client.GetAsync($"/zones/{Server.IssuingId}/client_certificates");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal(["errors", "messages", "success", "result"], body.PropertyNames());
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Equal(10000, body.GetProperty("errors")[0].GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("result").ValueKind);
    }

    [Fact]
    public async Task A_caller_without_the_capability_is_403()
    {
        // The operator holds create_cert on the issuing CA, not revoke_cert.
        using var admin = Server.Client();
        using var csr = new TestCsr("CN=forbidden-revoke");
        using var signed = await admin.PostAsync("/api/v1/certificates/sign-csr",
            Http.Json(new { csr = csr.Pem, certificate_type = "client", ca_id = Server.IssuingId }));
        string id = (await signed.ReadJsonAsync()).GetProperty("id").GetString()!;

        using var operatorClient = Server.Client(CaServerFactory.OperatorKey);
        using var response = await operatorClient.PostAsync($"/api/v1/certificates/{id}/revoke", Http.Json(new { reason = "Superseded" }));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("Forbidden", (await response.ReadJsonAsync()).GetProperty("code").GetString());

        // …but may issue.
        using var csr2 = new TestCsr("CN=operator-issued");
        using var issued = await operatorClient.PostAsync("/api/v1/certificates/sign-csr",
            Http.Json(new { csr = csr2.Pem, certificate_type = "client", ca_id = Server.IssuingId }));
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
    }

    [Fact]
    public async Task A_caller_of_another_organization_sees_no_CA_404()
    {
        using var stranger = Server.Client(CaServerFactory.StrangerKey);
        using var response = await stranger.GetAsync($"/api/v1/cas/{Server.IssuingId}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("AuthorityNotFound", (await response.ReadJsonAsync()).GetProperty("code").GetString());
        using var list = await stranger.GetAsync("/api/v1/cas/");
        Assert.Equal(0, (await list.ReadJsonAsync()).GetArrayLength());
    }

    [Fact]
    public async Task Malformed_json_is_400_not_500()
    {
        using var client = Server.Client();
        using var response = await client.PostAsync("/api/v1/certificates/sign-csr", Http.RawJson("{\"csr\": "));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);

        using var wrongType = await client.PostAsync($"/zones/{Server.IssuingId}/client_certificates", Http.RawJson("{\"validity_days\": \"many\"}"));
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.False((await wrongType.ReadJsonAsync()).GetProperty("success").GetBoolean());

        using var empty = await client.PostAsync("/api/v1/cas/", Http.RawJson(""));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
    }

    [Fact]
    public async Task A_body_over_one_megabyte_is_413_not_500()
    {
        using var client = Server.Client();
        string big = "{\"csr\": \"" + new string('A', 1_100_000) + "\"}";
        using var response = await client.PostAsync("/api/v1/certificates/sign-csr", Http.RawJson(big));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("InputTooLarge", (await response.ReadJsonAsync()).GetProperty("code").GetString());

        using var zone = await client.PostAsync($"/zones/{Server.IssuingId}/client_certificates", Http.RawJson(big));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, zone.StatusCode);
        Assert.Equal(1008, (await zone.ReadJsonAsync()).GetProperty("errors")[0].GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task A_library_error_is_mapped_with_its_code_and_no_internals()
    {
        using var client = Server.Client();
        using var response = await client.PostAsync("/api/v1/certificates/sign-csr",
            Http.Json(new { csr = "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n", ca_id = Server.IssuingId }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        Assert.Equal("InvalidCsr", problem.GetProperty("code").GetString());
        string text = problem.ToString();
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
    }
}
