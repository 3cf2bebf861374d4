using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CaServer.Tests.TestSupport;

namespace CaServer.Tests;

/// <summary>Seed 003: issue, sign-csr, list, get, revoke, private-key, CAs.</summary>
[Collection(ServerGroup.Name)]
public sealed class CertificateApiTests(CaServerFixture fixture)
{
    private CaServerFactory Server => fixture.Server;

    [Fact]
    public async Task Issuing_a_ca_type_points_to_the_route_that_creates_subordinate_cas()
    {
        using var client = Server.Client();
        using var response = await client.PostAsync($"/api/v1/certificates/?ca_id={Server.IssuingId}", Http.Json(new
        {
            common_name = "Sub CA", subject_dn = "CN=Sub CA,O=Acme Corp,C=US", certificate_type = "ca",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("/api/v1/cas/", (await response.ReadJsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue_with_a_generated_key_follows_the_seed_and_returns_the_key_once()
    {
        using var client = Server.Client();
        using var response = await client.PostAsync($"/api/v1/certificates/?ca_id={Server.IssuingId}", Http.Json(new
        {
            common_name = "api.example.com",
            subject_dn = "CN=api.example.com,O=Acme Corp,C=US",
            certificate_type = "server",
            key_size = 2048,
            valid_days = 365,
            include_private_key = true,
        }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadJsonAsync();
        foreach (string name in new[] { "id", "ca_id", "common_name", "subject_dn", "certificate_type", "serial_number", "status", "certificate_pem", "private_key_pem", "san_dns_names", "not_before", "not_after" })
        {
            Assert.Contains(name, body.PropertyNames());
        }

        Assert.Equal("server", body.GetProperty("certificate_type").GetString());
        Assert.Equal("active", body.GetProperty("status").GetString());
        Assert.Equal(["api.example.com"], body.GetProperty("san_dns_names").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("RSA", body.GetProperty("key_algorithm").GetString());
        Assert.Equal(2048, body.GetProperty("key_size").GetInt32());
        using var key = System.Security.Cryptography.RSA.Create();
        key.ImportFromPem(body.GetProperty("private_key_pem").GetString());
        using var certificate = X509Certificate2.CreateFromPem(body.GetProperty("certificate_pem").GetString());
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), certificate.PublicKey.ExportSubjectPublicKeyInfo());

        string id = body.GetProperty("id").GetString()!;
        using var again = await client.GetAsync($"/api/v1/certificates/{id}");
        Assert.Equal(JsonValueKind.Null, (await again.ReadJsonAsync()).GetProperty("private_key_pem").ValueKind);
    }

    [Fact]
    public async Task Issue_applies_the_profile_SAN_rules_400()
    {
        using var client = Server.Client();
        using var response = await client.PostAsync($"/api/v1/certificates/?ca_id={Server.IssuingId}", Http.Json(new
        {
            common_name = "alice",
            subject_dn = "CN=alice,O=Acme Corp,C=US",
            certificate_type = "client",
            san_dns_names = new[] { "not-for-clients.example.com" },
            key_algorithm = "EcdsaP256",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("PolicyViolation", (await response.ReadJsonAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Issue_needs_ca_id_and_a_known_CA()
    {
        using var client = Server.Client();
        using var missing = await client.PostAsync("/api/v1/certificates/", Http.Json(new { common_name = "x", subject_dn = "CN=x", certificate_type = "server" }));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        using var unknown = await client.PostAsync("/api/v1/certificates/?ca_id=0123456789abcdef0123456789abcdef",
            Http.Json(new { common_name = "x", subject_dn = "CN=x", certificate_type = "server" }));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Sign_csr_by_ca_name_returns_only_the_certificate()
    {
        using var client = Server.Client();
        using var csr = new TestCsr("CN=api.example.com, O=Acme Corp, C=US");
        using var response = await client.PostAsync("/api/v1/certificates/sign-csr",
            Http.Json(new { csr = csr.Pem, certificate_type = "server", ca_name = CaServerFactory.IssuingName }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal(JsonValueKind.Null, body.GetProperty("private_key_pem").ValueKind);
        Assert.Equal(Server.IssuingId, body.GetProperty("ca_id").GetString());
        Assert.Equal("CN=api.example.com,O=Acme Corp,C=US", body.GetProperty("subject_dn").GetString());
        Assert.Contains("BEGIN CERTIFICATE", body.GetProperty("chain_pem").GetString(), StringComparison.Ordinal);

        using var neither = await client.PostAsync("/api/v1/certificates/sign-csr", Http.Json(new { csr = csr.Pem, certificate_type = "server" }));
        Assert.Equal(HttpStatusCode.BadRequest, neither.StatusCode);
    }

    [Fact]
    public async Task List_filters_by_CA_and_get_returns_one_404_when_unknown()
    {
        using var client = Server.Client();
        using var csr = new TestCsr("CN=listed");
        using var signed = await client.PostAsync("/api/v1/certificates/sign-csr", Http.Json(new { csr = csr.Pem, certificate_type = "client", ca_id = Server.IssuingId }));
        string id = (await signed.ReadJsonAsync()).GetProperty("id").GetString()!;

        using var list = await client.GetAsync($"/api/v1/certificates/?ca_id={Server.IssuingId}");
        var items = (await list.ReadJsonAsync()).EnumerateArray().ToList();
        Assert.Contains(items, i => i.GetProperty("id").GetString() == id);
        Assert.All(items, i => Assert.Equal(Server.IssuingId, i.GetProperty("ca_id").GetString()));
        using var all = await client.GetAsync("/api/v1/certificates");
        Assert.True((await all.ReadJsonAsync()).GetArrayLength() >= items.Count);

        using var one = await client.GetAsync($"/api/v1/certificates/{id}");
        Assert.Equal("CN=listed", (await one.ReadJsonAsync()).GetProperty("subject_dn").GetString());
        using var unknown = await client.GetAsync("/api/v1/certificates/0123456789abcdef0123456789abcdef");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("CertificateNotFound", (await unknown.ReadJsonAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Revoke_maps_the_reason_text_and_a_second_revoke_is_409()
    {
        using var client = Server.Client();
        using var csr = new TestCsr("CN=to-revoke");
        using var signed = await client.PostAsync("/api/v1/certificates/sign-csr", Http.Json(new { csr = csr.Pem, certificate_type = "client", ca_id = Server.IssuingId }));
        string id = (await signed.ReadJsonAsync()).GetProperty("id").GetString()!;

        using var revoked = await client.PostAsync($"/api/v1/certificates/{id}/revoke", Http.Json(new { reason = "Key compromise" }));
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var body = await revoked.ReadJsonAsync();
        Assert.Equal("revoked", body.GetProperty("status").GetString());
        Assert.Equal("KeyCompromise", body.GetProperty("revocation_reason").GetString());
        Assert.NotEqual(JsonValueKind.Null, body.GetProperty("revoked_at").ValueKind);

        using var again = await client.PostAsync($"/api/v1/certificates/{id}/revoke", Http.Json(new { reason = "Key compromise" }));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("AlreadyRevoked", (await again.ReadJsonAsync()).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("Key compromise", "KeyCompromise", true)]
    [InlineData("key_compromise", "KeyCompromise", true)]
    [InlineData("CA compromise", "CACompromise", true)]
    [InlineData("cessationOfOperation", "CessationOfOperation", true)]
    [InlineData("Certificate hold", "CertificateHold", true)]
    [InlineData(null, "Unspecified", true)]
    [InlineData("the laptop fell in the lake", "Unspecified", false)]
    public void Reason_text_maps_to_RFC_5280_reasons(string? text, string expected, bool known)
    {
        var (reason, isKnown) = Pki.CaServer.Routes.RevocationReasons.Parse(text);
        Assert.Equal(expected, reason.ToString());
        Assert.Equal(known, isKnown);
    }

    [Fact]
    public async Task Revoke_without_a_body_and_with_unknown_text_is_unspecified()
    {
        using var client = Server.Client();
        foreach (var content in new HttpContent?[] { null, Http.Json(new { reason = "the laptop fell in the lake" }) })
        {
            using var csr = new TestCsr("CN=unspecified");
            using var signed = await client.PostAsync("/api/v1/certificates/sign-csr", Http.Json(new { csr = csr.Pem, certificate_type = "client", ca_id = Server.IssuingId }));
            string id = (await signed.ReadJsonAsync()).GetProperty("id").GetString()!;
            using var revoked = await client.PostAsync($"/api/v1/certificates/{id}/revoke", content);
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
            Assert.Equal("Unspecified", (await revoked.ReadJsonAsync()).GetProperty("revocation_reason").GetString());
        }
    }

    [Fact]
    public async Task The_kept_private_key_can_be_viewed_later_and_unknown_ones_are_404()
    {
        using var client = Server.Client();
        using var issued = await client.PostAsync($"/api/v1/certificates/?ca_id={Server.IssuingId}", Http.Json(new
        {
            common_name = "kept.example.com",
            subject_dn = "CN=kept.example.com,O=Acme Corp,C=US",
            certificate_type = "server",
            valid_days = 30,
            include_private_key = true,
        }));
        var body = await issued.ReadJsonAsync();
        string id = body.GetProperty("id").GetString()!;

        using var response = await client.GetAsync($"/api/v1/certificates/{id}/private-key");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var withKey = await response.ReadJsonAsync();
        // CreateFromPem checks that the key belongs to the certificate.
        using var certificate = X509Certificate2.CreateFromPem(withKey.GetProperty("certificate_pem").GetString(), withKey.GetProperty("private_key_pem").GetString());
        Assert.True(certificate.HasPrivateKey);

        using var unknown = await client.GetAsync("/api/v1/certificates/0123456789abcdef0123456789abcdef/private-key");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task CAs_are_created_listed_and_found_by_id_or_name_409_on_a_duplicate()
    {
        using var client = Server.Client();
        using var root = await client.PostAsync("/api/v1/cas/", Http.Json(new { name = "Test Root 1", subject_dn = "CN=Test Root 1,O=Acme Corp", key_algorithm = "EcdsaP256" }));
        Assert.Equal(HttpStatusCode.Created, root.StatusCode);
        var rootBody = await root.ReadJsonAsync();
        Assert.True(rootBody.GetProperty("is_root").GetBoolean());
        Assert.Equal("http://localhost/crl/Test%20Root%201.crl", rootBody.GetProperty("crl_url").GetString());
        Assert.Equal("http://localhost/crl/Test%20Root%201-delta.crl", rootBody.GetProperty("delta_crl_url").GetString());

        using var intermediate = await client.PostAsync("/api/v1/cas", Http.Json(new { name = "Test Issuing 1", subject_dn = "CN=Test Issuing 1,O=Acme Corp", parent_name = "Test Root 1" }));
        Assert.Equal(HttpStatusCode.Created, intermediate.StatusCode);
        var body = await intermediate.ReadJsonAsync();
        Assert.Equal(rootBody.GetProperty("id").GetString(), body.GetProperty("parent_id").GetString());

        using var byName = await client.GetAsync("/api/v1/cas/Test%20Issuing%201");
        Assert.Equal(body.GetProperty("id").GetString(), (await byName.ReadJsonAsync()).GetProperty("id").GetString());
        using var list = await client.GetAsync("/api/v1/cas/");
        Assert.Contains((await list.ReadJsonAsync()).EnumerateArray(), a => a.GetProperty("name").GetString() == "Test Issuing 1");

        using var duplicate = await client.PostAsync("/api/v1/cas/", Http.Json(new { name = "Test Root 1", subject_dn = "CN=Test Root 1" }));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);

        using var operatorClient = Server.Client(CaServerFactory.OperatorKey);
        using var forbidden = await operatorClient.PostAsync("/api/v1/cas/", Http.Json(new { name = "Operator Root", subject_dn = "CN=Operator Root" }));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }
}
