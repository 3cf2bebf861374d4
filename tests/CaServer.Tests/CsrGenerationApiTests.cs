using System.Net;
using System.Security.Cryptography.X509Certificates;
using CaServer.Tests.TestSupport;

namespace CaServer.Tests;

/// <summary>Seed 002: generate a CSR with a kept key, enroll it through sign-csr, recover the key.</summary>
[Collection(ServerGroup.Name)]
public sealed class CsrGenerationApiTests(CaServerFixture fixture)
{
    private CaServerFactory Server => fixture.Server;

    [Fact]
    public async Task A_generated_csr_enrolls_and_its_kept_key_is_recovered()
    {
        using var client = Server.Client();
        using var generated = await client.PostAsync("/KeyfactorAPI/CSRGeneration/Generate", Http.Json(new
        {
            Subject = "CN=app.example.com,O=Acme Corp,C=US",
            KeyType = "ECC",
            KeyLength = 256,
            SANs = new { dns = new[] { "app.example.com" }, ip4 = new[] { "10.0.0.7" } },
        }));
        Assert.Equal(HttpStatusCode.OK, generated.StatusCode);
        var body = await generated.ReadJsonAsync();
        string csr = body.GetProperty("CSR").GetString()!;
        Assert.StartsWith("-----BEGIN CERTIFICATE REQUEST-----", csr, StringComparison.Ordinal);

        using var signed = await client.PostAsync("/api/v1/certificates/sign-csr",
            Http.Json(new { csr, certificate_type = "server", ca_name = CaServerFactory.IssuingName }));
        Assert.Equal(HttpStatusCode.Created, signed.StatusCode);
        string id = (await signed.ReadJsonAsync()).GetProperty("id").GetString()!;

        using var recovered = await client.GetAsync($"/api/v1/certificates/{id}/private-key");
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        var withKey = await recovered.ReadJsonAsync();
        using var certificate = X509Certificate2.CreateFromPem(withKey.GetProperty("certificate_pem").GetString(), withKey.GetProperty("private_key_pem").GetString());
        Assert.True(certificate.HasPrivateKey);
    }

    [Theory]
    [InlineData("""{"Subject":"CN=x","KeyType":"RSA"}""")]
    [InlineData("""{"Subject":"CN=x","KeyType":"ECC","Curve":"1.2.3.4"}""")]
    [InlineData("""{"KeyType":"ECC","KeyLength":256}""")]
    [InlineData("""{"Subject":"CN=x","KeyType":"ECC","KeyLength":256,"AlternativeKeyType":"ML-DSA-65"}""")]
    public async Task Invalid_key_specifications_are_400(string json)
    {
        using var client = Server.Client();
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/KeyfactorAPI/CSRGeneration/Generate", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
