using System.Net;
using System.Text.Json;
using CaServer.Tests.TestSupport;
using Pki.Core.Tests.TestSupport;

namespace CaServer.Tests;

/// <summary>Seeds 001/004: zone client certificates in the envelope; DELETE holds, PATCH reactivates.</summary>
[Collection(ServerGroup.Name)]
public sealed class ZoneApiTests(CaServerFixture fixture)
{
    // Seed 004's ClientCertificate example, field for field.
    private static readonly string[] s_seedFields =
    [
        "id", "certificate", "certificate_authority", "common_name", "country", "csr", "expires_on", "fingerprint_sha256",
        "issued_on", "location", "organization", "organizational_unit", "serial_number", "signature", "ski", "state",
        "status", "validity_days",
    ];

    private CaServerFactory Server => fixture.Server;

    private string Zone => $"/zones/{Server.IssuingId}/client_certificates";

    private async Task<JsonElement> CreateAsync(HttpClient client, string subject = "C=US, S=CA, L=Somewhere, O=Organization, OU=Organizational Unit, CN=Cloudflare")
    {
        using var csr = new TestCsr(subject);
        using var response = await client.PostAsync(Zone, Http.Json(new { csr = csr.Pem, validity_days = 365 }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    [Fact]
    public async Task Create_answers_the_envelope_with_exactly_the_seed_fields()
    {
        using var client = Server.Client();
        var body = await CreateAsync(client);
        Assert.Equal(["errors", "messages", "success", "result"], body.PropertyNames());
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal(0, body.GetProperty("errors").GetArrayLength());
        var result = body.GetProperty("result");
        Assert.Equal(s_seedFields.Order(StringComparer.Ordinal), result.PropertyNames().Order(StringComparer.Ordinal));
        Assert.Equal(["id", "name"], result.GetProperty("certificate_authority").PropertyNames());
        Assert.Equal(Server.IssuingId, result.GetProperty("certificate_authority").GetProperty("id").GetString());
        Assert.Equal("Cloudflare", result.GetProperty("common_name").GetString());
        Assert.Equal("US", result.GetProperty("country").GetString());
        Assert.Equal("CA", result.GetProperty("state").GetString());
        Assert.Equal("Somewhere", result.GetProperty("location").GetString());
        Assert.Equal("Organizational Unit", result.GetProperty("organizational_unit").GetString());
        Assert.Equal("active", result.GetProperty("status").GetString());
        Assert.Equal(365, result.GetProperty("validity_days").GetInt32());
        Assert.Equal(32, result.GetProperty("id").GetString()!.Length);
        Assert.Matches("^[0-9a-f]{64}$", result.GetProperty("fingerprint_sha256").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", result.GetProperty("issued_on").GetString());
        Assert.StartsWith("SHA", result.GetProperty("signature").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN CERTIFICATE REQUEST-----", result.GetProperty("csr").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_pages_with_result_info()
    {
        using var client = Server.Client();
        await CreateAsync(client, "CN=page-a");
        await CreateAsync(client, "CN=page-b");
        using var response = await client.GetAsync($"{Zone}?page=1&per_page=1");
        var body = await response.ReadJsonAsync();
        Assert.Equal(["errors", "messages", "success", "result", "result_info"], body.PropertyNames());
        var info = body.GetProperty("result_info");
        Assert.Equal(["page", "per_page", "count", "total_count"], info.PropertyNames());
        Assert.Equal(1, info.GetProperty("count").GetInt32());
        Assert.True(info.GetProperty("total_count").GetInt32() >= 2);
        Assert.Equal(1, body.GetProperty("result").GetArrayLength());

        using var bad = await client.GetAsync($"{Zone}?per_page=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Delete_holds_patch_reactivates_and_the_CRL_follows()
    {
        using var client = Server.Client();
        var created = (await CreateAsync(client, "CN=hold-me")).GetProperty("result");
        string id = created.GetProperty("id").GetString()!;
        string serial = created.GetProperty("serial_number").GetString()!;

        using var held = await client.DeleteAsync($"{Zone}/{id}");
        Assert.Equal(HttpStatusCode.OK, held.StatusCode);
        Assert.Equal("revoked", (await held.ReadJsonAsync()).GetProperty("result").GetProperty("status").GetString());
        using var detail = await client.GetAsync($"/api/v1/certificates/{id}");
        Assert.Equal("on_hold", (await detail.ReadJsonAsync()).GetProperty("status").GetString());
        Assert.Contains(serial, await CrlTextAsync(client), StringComparison.OrdinalIgnoreCase);

        using var heldAgain = await client.DeleteAsync($"{Zone}/{id}");
        Assert.Equal(HttpStatusCode.Conflict, heldAgain.StatusCode);
        Assert.False((await heldAgain.ReadJsonAsync()).GetProperty("success").GetBoolean());

        using var reactivated = await client.PatchAsync($"{Zone}/{id}", null);
        Assert.Equal(HttpStatusCode.OK, reactivated.StatusCode);
        Assert.Equal("active", (await reactivated.ReadJsonAsync()).GetProperty("result").GetProperty("status").GetString());
        Assert.DoesNotContain(serial, await CrlTextAsync(client), StringComparison.OrdinalIgnoreCase);

        using var reactivatedAgain = await client.PatchAsync($"{Zone}/{id}", null);
        Assert.Equal(HttpStatusCode.Conflict, reactivatedAgain.StatusCode);
        var error = (await reactivatedAgain.ReadJsonAsync()).GetProperty("errors")[0];
        Assert.Equal(1900, error.GetProperty("code").GetInt32());
        Assert.Equal(["code", "message"], error.PropertyNames());
    }

    [Fact]
    public async Task Get_returns_one_and_unknown_ids_or_zones_are_404_in_the_envelope()
    {
        using var client = Server.Client();
        string id = (await CreateAsync(client, "CN=get-me")).GetProperty("result").GetProperty("id").GetString()!;
        using var one = await client.GetAsync($"{Zone}/{id}");
        Assert.Equal("get-me", (await one.ReadJsonAsync()).GetProperty("result").GetProperty("common_name").GetString());

        using var unknown = await client.GetAsync($"{Zone}/0123456789abcdef0123456789abcdef");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var body = await unknown.ReadJsonAsync();
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Equal(1401, body.GetProperty("errors")[0].GetProperty("code").GetInt32());

        using var otherZone = await client.GetAsync($"/zones/{Server.RootId}/client_certificates/{id}");
        Assert.Equal(HttpStatusCode.NotFound, otherZone.StatusCode);
        using var noZone = await client.GetAsync("/zones/no-such-zone/client_certificates");
        Assert.Equal(HttpStatusCode.NotFound, noZone.StatusCode);

        // A server certificate of the same CA is not one of the zone's client certificates.
        using var issued = await client.PostAsync($"/api/v1/certificates/?ca_id={Server.IssuingId}", Http.Json(new
        {
            common_name = "server.example.com",
            certificate_type = "server",
            key_algorithm = "EcdsaP256",
            include_private_key = false,
        }));
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        string serverId = (await issued.ReadJsonAsync()).GetProperty("id").GetString()!;
        using var notClient = await client.GetAsync($"{Zone}/{serverId}");
        Assert.Equal(HttpStatusCode.NotFound, notClient.StatusCode);
    }

    [Fact]
    public async Task The_seed_validity_of_3650_days_exceeds_the_client_profile_and_is_a_400_policy_violation()
    {
        using var client = Server.Client();
        using var csr = new TestCsr("CN=ten-years");
        using var response = await client.PostAsync(Zone, Http.Json(new { csr = csr.Pem, validity_days = 3650 }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1007, (await response.ReadJsonAsync()).GetProperty("errors")[0].GetProperty("code").GetInt32());
    }

    private async Task<string> CrlTextAsync(HttpClient client)
    {
        using var response = await client.GetAsync($"/crl/{Server.IssuingId}.crl");
        Assert.Equal("application/pkix-crl", response.Content.Headers.ContentType?.MediaType);
        using var openssl = new OpenSsl();
        string file = openssl.Write("ca.crl", await response.Content.ReadAsByteArrayAsync());
        var (exit, output) = openssl.Run("crl", "-inform", "DER", "-in", file, "-noout", "-text");
        Assert.Equal(0, exit);
        return output;
    }
}
