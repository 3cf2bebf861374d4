using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using CaServer.Tests.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pki.CaServer.Hosting;
using Pki.Core;

namespace CaServer.Tests;

/// <summary>
/// Hostile input on every route: malformed and wrongly-typed JSON, blank, huge and non-ASCII path and query values, paging
/// extremes, garbage PEM/DER, duplicated properties, bad auth headers. Every answer must be a 4xx in the server's error shape
/// (a problem with the library's code, or the zone envelope with its number), never a 500, a stack trace or a secret, and
/// nothing may be half written.
/// </summary>
[Collection(ServerGroup.Name)]
public sealed class HostileRequestTests(CaServerFixture fixture)
{
    private CaServerFactory Server => fixture.Server;

    private string Zone => $"/zones/{Server.IssuingId}/client_certificates";

    /// <summary>An RFC 7807 problem with <paramref name="status"/> and <paramref name="code"/>, without internals.</summary>
    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(text);
        var problem = document.RootElement.Clone();
        Assert.Equal(["type", "title", "status", "detail", "code", "instance"], problem.PropertyNames());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        AssertNoInternals(text);
        return problem;
    }

    /// <summary>The seed envelope with one error of number <paramref name="code"/>.</summary>
    private static async Task<JsonElement> AssertEnvelopeErrorAsync(HttpResponseMessage response, HttpStatusCode status, int code)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(text);
        var body = document.RootElement.Clone();
        Assert.Equal(["errors", "messages", "success", "result"], body.PropertyNames());
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Equal(code, body.GetProperty("errors")[0].GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("result").ValueKind);
        AssertNoInternals(text);
        return body;
    }

    private static void AssertNoInternals(string text)
    {
        Assert.DoesNotMatch(@"\bat [\w.`<>]+\(", text); // a stack frame
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain(CaServerFactory.AdminKey, text, StringComparison.Ordinal);
    }

    private static StringContent Body(string json, string mediaType = "application/json") => new(json, Encoding.UTF8, mediaType);

    private async Task<int> CountCasAsync(HttpClient admin)
    {
        using var response = await admin.GetAsync("/api/v1/cas/");
        return (await response.ReadJsonAsync()).GetArrayLength();
    }

    private async Task<string> SignClientAsync(HttpClient admin, string cn)
    {
        using var csr = new TestCsr($"CN={cn}");
        using var response = await admin.PostAsync("/api/v1/certificates/sign-csr", Http.Json(new { csr = csr.Pem, certificate_type = "client", ca_id = Server.IssuingId }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
    }

    // ---- CA keys: a blank id or name (it names no CA) was an ArgumentException from CaReference, so a 500.

    [Theory]
    [InlineData("GET", "/api/v1/cas/%20", null)]
    [InlineData("GET", "/api/v1/cas/%09", null)]
    [InlineData("GET", "/frontdoor/%20/certificate-request-tokens", null)]
    [InlineData("POST", "/frontdoor/%20/certificate-request-tokens", """{"name":"blank-frontdoor","validYears":1}""")]
    [InlineData("GET", "/frontdoor/%20/certificate-request-tokens/x", null)]
    [InlineData("POST", "/api/v1/certificates/sign-csr", """{"csr":"x","ca_id":" "}""")]
    [InlineData("POST", "/api/v1/certificates/sign-csr", """{"csr":"x","ca_name":"\t"}""")]
    [InlineData("GET", "/api/v1/certificates/?ca_id=%00", null)]
    [InlineData("GET", "/api/v1/certificates/?ca_id=..", null)]
    [InlineData("POST", "/api/v1/certificates/?ca_id=%E2%82%AC", """{"common_name":"x.example","certificate_type":"server","key_algorithm":"EcdsaP256"}""")]
    [InlineData("GET", "/ca/%20.crt", null)]
    [InlineData("GET", "/crl/%20.crl", null)]
    [InlineData("GET", "/crl/-delta.crl", null)]
    [InlineData("GET", "/crl/no-such-ca.crl", null)]
    [InlineData("GET", "/crl/no-such-ca-delta.crl", null)]
    public async Task A_CA_key_that_names_no_CA_is_404_AuthorityNotFound(string method, string path, string? json)
    {
        using var client = Server.Client();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = json is null ? null : Body(json) };
        using var response = await client.SendAsync(request);
        await AssertProblemAsync(response, HttpStatusCode.NotFound, nameof(PkiErrorCode.AuthorityNotFound));
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("POST", "")]
    [InlineData("GET", "/x")]
    [InlineData("DELETE", "/x")]
    [InlineData("PATCH", "/x")]
    public async Task A_blank_zone_is_404_in_the_envelope(string method, string suffix)
    {
        using var client = Server.Client();
        using var csr = new TestCsr("CN=blank-zone");
        using var request = new HttpRequestMessage(new HttpMethod(method), "/zones/%20/client_certificates" + suffix)
        {
            Content = method == "POST" ? Http.Json(new { csr = csr.Pem }) : null,
        };
        using var response = await client.SendAsync(request);
        await AssertEnvelopeErrorAsync(response, HttpStatusCode.NotFound, (int)PkiErrorCode.AuthorityNotFound);
    }

    [Fact]
    public async Task A_blank_parent_is_404_and_creates_no_CA()
    {
        using var admin = Server.Client();
        int before = await CountCasAsync(admin);
        foreach (string json in new[]
        {
            """{"name":"blank-parent-id","subject_dn":"CN=blank-parent-id","parent_id":" "}""",
            """{"name":"blank-parent-name","subject_dn":"CN=blank-parent-name","parent_name":"  "}""",
        })
        {
            using var response = await admin.PostAsync("/api/v1/cas/", Body(json));
            await AssertProblemAsync(response, HttpStatusCode.NotFound, nameof(PkiErrorCode.AuthorityNotFound));
        }

        // Neither became a root instead (a blank parent is not "no parent").
        Assert.Equal(before, await CountCasAsync(admin));
    }

    // ---- Certificate ids in paths.

    [Theory]
    [InlineData("%20")]
    [InlineData("%09")]
    public async Task Revoking_a_blank_certificate_id_is_404_CertificateNotFound(string id)
    {
        using var client = Server.Client();
        using var response = await client.PostAsync($"/api/v1/certificates/{id}/revoke", Body("""{"reason":"Key compromise"}"""));
        await AssertProblemAsync(response, HttpStatusCode.NotFound, nameof(PkiErrorCode.CertificateNotFound));
    }

    [Theory]
    [InlineData("/api/v1/certificates/%20")]
    [InlineData("/api/v1/certificates/..%2F..%2Fcas")]
    [InlineData("/api/v1/certificates/%E2%82%AC")]
    [InlineData("/api/v1/certificates/%ED%A0%80")]
    [InlineData("/api/v1/certificates/zzzz/private-key")]
    [InlineData("/api/v1/certificates/%20/private-key")]
    public async Task Certificate_ids_that_are_not_ids_are_404_CertificateNotFound(string path)
    {
        using var client = Server.Client();
        using var response = await client.GetAsync(path);
        await AssertProblemAsync(response, HttpStatusCode.NotFound, nameof(PkiErrorCode.CertificateNotFound));
    }

    [Theory]
    [InlineData("GET", "/%20")]
    [InlineData("GET", "/" + "0123456789abcdef0123456789abcdef")]
    [InlineData("DELETE", "/%E2%82%AC")]
    [InlineData("PATCH", "/..%2F..")]
    public async Task Zone_certificate_ids_that_are_not_ids_are_404_in_the_envelope(string method, string suffix)
    {
        using var client = Server.Client();
        using var request = new HttpRequestMessage(new HttpMethod(method), Zone + suffix);
        using var response = await client.SendAsync(request);
        await AssertEnvelopeErrorAsync(response, HttpStatusCode.NotFound, (int)PkiErrorCode.CertificateNotFound);
    }

    // ---- Paging.

    [Fact]
    public async Task A_page_far_beyond_the_end_is_empty_even_where_page_times_per_page_overflows()
    {
        using var admin = Server.Client();
        using var csr = new TestCsr("CN=paging-extreme");
        using var created = await admin.PostAsync(Zone, Http.Json(new { csr = csr.Pem, validity_days = 30 }));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);

        // (2147483647 - 1) * 1000 wraps to -2000 in int arithmetic, which used to serve the first page again.
        foreach (string query in new[] { "page=2147483647&per_page=1000", "page=2147483647&per_page=1", "page=4294968&per_page=1000" })
        {
            using var response = await admin.GetAsync($"{Zone}?{query}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.ReadJsonAsync();
            Assert.Equal(0, body.GetProperty("result").GetArrayLength());
            Assert.Equal(0, body.GetProperty("result_info").GetProperty("count").GetInt32());
            Assert.True(body.GetProperty("result_info").GetProperty("total_count").GetInt32() >= 1);
        }
    }

    [Theory]
    [InlineData("per_page=0")]
    [InlineData("per_page=-1")]
    [InlineData("per_page=1001")]
    [InlineData("per_page=2147483647")]
    [InlineData("page=0")]
    [InlineData("page=-2147483648")]
    [InlineData("page=99999999999")]
    [InlineData("page=abc")]
    [InlineData("per_page=1e3")]
    [InlineData("page=%00")]
    [InlineData("page=1&page=2")]
    [InlineData("per_page=%EF%BC%91")]
    public async Task Paging_values_out_of_range_or_not_numbers_are_400_1000_in_the_envelope(string query)
    {
        using var client = Server.Client();
        using var response = await client.GetAsync($"{Zone}?{query}");
        await AssertEnvelopeErrorAsync(response, HttpStatusCode.BadRequest, (int)PkiErrorCode.InvalidRequest);
    }

    // ---- Bodies: malformed, wrongly typed, wrong shape.

    public static TheoryData<string, string> HostileBodies() => new()
    {
        { "/api/v1/certificates/sign-csr", """{"csr": 5, "ca_id": "CA"}""" },
        { "/api/v1/certificates/sign-csr", """{"csr": "x", "ca_id": "CA", "valid_days": 99999999999}""" },
        { "/api/v1/certificates/sign-csr", """{"csr": "x", "ca_id": "CA", "valid_days": 1.5}""" },
        { "/api/v1/certificates/sign-csr", """{"csr": "x", "ca_id": "CA", "san_dns_names": "a.example"}""" },
        { "/api/v1/certificates/sign-csr", """{"csr": "x", "ca_id": "CA", "san_dns_names": ["a.example", 5]}""" },
        { "/api/v1/certificates/sign-csr", """{"csr": "\ud800", "ca_id": "CA"}""" },
        { "/api/v1/certificates/sign-csr", """[{"csr": "x", "ca_id": "CA"}]""" },
        { "/api/v1/certificates/sign-csr", "\"csr\"" },
        { "/api/v1/certificates/sign-csr", "null" },
        { "/api/v1/certificates/sign-csr", "" },
        { "/api/v1/certificates/sign-csr", """{"csr": "x", "ca_id": "CA",}""" },
        { "/api/v1/certificates/sign-csr", """{"csr": "x"} trailing""" },
        { "/api/v1/certificates/sign-csr", new string('[', 5000) + new string(']', 5000) },
        { "/api/v1/certificates/sign-csr", "{\"csr\":" + string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 101) },
        { "/api/v1/certificates/?ca_id=CA", """{"common_name": "x.example", "include_private_key": "yes"}""" },
        { "/api/v1/certificates/?ca_id=CA", """{"common_name": "x.example", "key_size": "big"}""" },
        { "/api/v1/certificates/?ca_id=CA", """{"common_name": ["x.example"]}""" },
        { "/api/v1/cas/", """{"name": {"first": "x"}, "subject_dn": "CN=x"}""" },
        { "/api/v1/cas/", """{"name": "x", "subject_dn": "CN=x", "path_length": 4294967296}""" },
        { "/frontdoor/CA/certificate-request-tokens", """{"name": "t", "expiresAt": "not a date"}""" },
        { "/frontdoor/CA/certificate-request-tokens", """{"name": "t", "expiresAt": "0001-01-01T00:00:00+01:00"}""" },
        { "/frontdoor/CA/certificate-request-tokens", """{"name": "t", "expiresAt": "9999-12-31T23:59:59-01:00"}""" },
        { "/frontdoor/CA/certificate-request-tokens", """{"name": "t", "expiresAt": 1700000000}""" },
        { "/frontdoor/CA/certificate-request-tokens", """{"name": "t", "validYears": -1e400}""" },
        { "/KeyfactorAPI/CSRGeneration/Generate", """{"Subject": "CN=a", "KeyType": "ECC", "SANs": []}""" },
        { "/KeyfactorAPI/CSRGeneration/Generate", """{"Subject": "CN=a", "KeyType": "ECC", "KeyLength": "256 bits"}""" },
        { "/KeyfactorAPI/CSRGeneration/Generate", """{"Subject": 1, "KeyType": "ECC"}""" },
        { "/api/v1/certificates/0123456789abcdef0123456789abcdef/revoke", """{"reason": 1}""" },
        { "/api/v1/certificates/0123456789abcdef0123456789abcdef/revoke", """["Key compromise"]""" },
    };

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task Hostile_JSON_is_400_InvalidRequest(string path, string json)
    {
        using var client = Server.Client();
        using var response = await client.PostAsync(path.Replace("CA", Server.IssuingId, StringComparison.Ordinal), Body(json.Replace("\"CA\"", $"\"{Server.IssuingId}\"", StringComparison.Ordinal)));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, nameof(PkiErrorCode.InvalidRequest));
    }

    [Theory]
    [InlineData("""{"csr": 5}""")]
    [InlineData("""{"csr": "x", "validity_days": "many"}""")]
    [InlineData("""{"csr": "x", "validity_days": 99999999999}""")]
    [InlineData("""[]""")]
    [InlineData("""{"csr": "x", "csr": "y"}""")]
    [InlineData("""{"csr": "x", "CSR": "y"}""")]
    public async Task Hostile_JSON_on_the_zone_is_400_1000_in_the_envelope(string json)
    {
        using var client = Server.Client();
        using var response = await client.PostAsync(Zone, Body(json));
        await AssertEnvelopeErrorAsync(response, HttpStatusCode.BadRequest, (int)PkiErrorCode.InvalidRequest);
    }

    [Theory]
    [InlineData("/api/v1/certificates/?ca_id=CA", """{"common_name":"x.example","key_algorithm":"Nope"}""", "InvalidRequest")]
    [InlineData("/api/v1/certificates/?ca_id=CA", """{"common_name":"x.example","key_algorithm":"1"}""", "InvalidRequest")]
    [InlineData("/api/v1/certificates/?ca_id=CA", """{"common_name":"x.example","certificate_type":"server","key_algorithm":"EcdsaP256,EcdsaP384"}""", "InvalidRequest")]
    [InlineData("/api/v1/cas/", """{"name":"combined","subject_dn":"CN=combined","key_algorithm":"Rsa2048, EcdsaP256"}""", "InvalidRequest")]
    [InlineData("/api/v1/certificates/?ca_id=CA", """{"common_name":"x.example","certificate_type":"server","key_algorithm":"EcdsaP256","valid_days":"30"}""", "InvalidRequest")]
    [InlineData("/api/v1/certificates/?ca_id=CA", """{"common_name":"x.example","key_size":-1}""", "InvalidRequest")]
    [InlineData("/api/v1/certificates/?ca_id=CA", """{"common_name":"x.example","key_algorithm":"EcdsaP256","certificate_type":"\u0000"}""", "InvalidRequest")]
    [InlineData("/api/v1/certificates/?ca_id=CA", """{"common_name":"x.example","key_algorithm":"EcdsaP256","certificate_type":"server","valid_days":-1}""", "PolicyViolation")]
    [InlineData("/api/v1/certificates/?ca_id=CA", """{"common_name":"x.example","key_algorithm":"EcdsaP256","certificate_type":"server","valid_days":2147483647}""", "PolicyViolation")]
    [InlineData("/api/v1/certificates/?ca_id=CA", """{"common_name":"x.example","key_algorithm":"EcdsaP256","certificate_type":"server","san_ip_addresses":["999.1.1.1"]}""", "InvalidSubjectAlternativeName")]
    [InlineData("/api/v1/certificates/?ca_id=CA", """{"common_name":"x.example","key_algorithm":"EcdsaP256","certificate_type":"server","san_dns_names":[null]}""", "InvalidSubjectAlternativeName")]
    [InlineData("/api/v1/certificates/sign-csr", """{"csr":"-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----","ca_id":"CA"}""", "InvalidCsr")]
    [InlineData("/api/v1/certificates/sign-csr", """{"csr":"-----BEGIN CERTIFICATE REQUEST-----\nAAAAAAAA\n-----END CERTIFICATE REQUEST-----","ca_id":"CA"}""", "InvalidCsr")]
    [InlineData("/api/v1/certificates/sign-csr", """{"csr":"bm90IGEgY3Ny","ca_id":"CA"}""", "InvalidCsr")]
    [InlineData("/api/v1/certificates/sign-csr", """{"csr":null,"ca_id":"CA"}""", "InvalidCsr")]
    [InlineData("/api/v1/certificates/sign-csr", """{"csr":"x"}""", "InvalidRequest")]
    [InlineData("/api/v1/certificates/sign-csr", """{"csr":"x","ca_id":"CA","subject_dn":"CN=\u0000"}""", "InvalidName")]
    [InlineData("/api/v1/certificates/sign-csr", """{"csr":"x","ca_id":"CA","subject_dn":"garbage"}""", "InvalidName")]
    [InlineData("/api/v1/cas/", """{"name":"p\u0000","subject_dn":"CN=p"}""", "InvalidRequest")]
    [InlineData("/api/v1/cas/", """{"name":"p","subject_dn":"CN=p","key_algorithm":"99"}""", "InvalidRequest")]
    [InlineData("/api/v1/cas/", """{"name":"p","subject_dn":"CN=p","path_length":-1}""", "InvalidRequest")]
    [InlineData("/api/v1/cas/", """{"name":"p","subject_dn":"CN=p","valid_days":-2147483648}""", "PolicyViolation")]
    [InlineData("/api/v1/cas/", """{"name":null,"subject_dn":null}""", "InvalidRequest")]
    [InlineData("/frontdoor/CA/certificate-request-tokens", """{"name":"t","expiresAt":"0001-01-01T00:00:00Z"}""", "InvalidRequest")]
    [InlineData("/frontdoor/CA/certificate-request-tokens", """{"name":"t","expiresAt":"9999-12-31T23:59:59.9999999Z"}""", "InvalidRequest")]
    [InlineData("/frontdoor/CA/certificate-request-tokens", """{"name":"t","validYears":2147483647}""", "InvalidRequest")]
    [InlineData("/frontdoor/CA/certificate-request-tokens", """{"name":null}""", "InvalidRequest")]
    [InlineData("/frontdoor/CA/certificate-request-tokens", """{"name":"t","commonName":"\ud83d\ude00\u0000"}""", "InvalidName")]
    [InlineData("/KeyfactorAPI/CSRGeneration/Generate", """{"Subject":"CN=a","KeyType":"RSA","KeyLength":2147483647}""", "InvalidRequest")]
    [InlineData("/KeyfactorAPI/CSRGeneration/Generate", """{"Subject":"CN=a","KeyType":"ECC","Curve":"1.2.3"}""", "InvalidRequest")]
    [InlineData("/KeyfactorAPI/CSRGeneration/Generate", """{"Subject":"CN=a","KeyType":"ECC","KeyLength":256,"SANs":{"uri":[null]}}""", "InvalidSubjectAlternativeName")]
    [InlineData("/KeyfactorAPI/CSRGeneration/Generate", """{"Subject":"CN=a","KeyType":"ECC","KeyLength":256,"EnrollmentPatternId":{"x":1}}""", "InvalidRequest")]
    public async Task Well_formed_JSON_with_hostile_values_gets_the_library_code(string path, string json, string code)
    {
        using var client = Server.Client();
        using var response = await client.PostAsync(path.Replace("CA", Server.IssuingId, StringComparison.Ordinal), Body(json.Replace("\"CA\"", $"\"{Server.IssuingId}\"", StringComparison.Ordinal)));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_on_every_body_route()
    {
        using var client = Server.Client();
        string big = "{\"name\": \"" + new string('n', 1_100_000) + "\"}";
        foreach (string path in new[]
        {
            "/api/v1/cas/", $"/api/v1/certificates/?ca_id={Server.IssuingId}", "/KeyfactorAPI/CSRGeneration/Generate",
            $"/frontdoor/{Server.IssuingId}/certificate-request-tokens", $"/frontdoor/{Server.IssuingId}/client-certificates/token/crt_x",
            "/api/v1/certificates/0123456789abcdef0123456789abcdef/revoke", $"/ocsp/{Server.IssuingId}",
        })
        {
            using var response = await client.PostAsync(path, Body(big));
            await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, nameof(PkiErrorCode.InputTooLarge));
        }
    }

    [Fact]
    public async Task Oversized_fields_within_the_body_limit_are_refused_by_the_library()
    {
        using var client = Server.Client();
        string huge = new('a', 500_000);
        using var ca = await client.PostAsync("/api/v1/cas/", Http.Json(new { name = huge, subject_dn = "CN=x" }));
        await AssertProblemAsync(ca, HttpStatusCode.BadRequest, nameof(PkiErrorCode.InvalidRequest));
        using var dn = await client.PostAsync("/api/v1/cas/", Http.Json(new { name = "huge-dn", subject_dn = "CN=" + huge }));
        await AssertProblemAsync(dn, HttpStatusCode.RequestEntityTooLarge, nameof(PkiErrorCode.InputTooLarge));

        string id = await SignClientAsync(client, "huge-reason");
        using var revoke = await client.PostAsync($"/api/v1/certificates/{id}/revoke", Http.Json(new { reason = huge }));
        await AssertProblemAsync(revoke, HttpStatusCode.BadRequest, nameof(PkiErrorCode.InvalidRequest));
        using var after = await client.GetAsync($"/api/v1/certificates/{id}");
        Assert.Equal("active", (await after.ReadJsonAsync()).GetProperty("status").GetString());
    }

    // ---- Duplicated properties: the last one used to win, so "Key compromise" then "certificateHold" put a certificate on hold.

    [Fact]
    public async Task A_property_given_twice_is_400_and_nothing_is_revoked()
    {
        using var client = Server.Client();
        string id = await SignClientAsync(client, "duplicate-reason");
        foreach (string json in new[]
        {
            """{"reason": "Key compromise", "reason": "certificateHold"}""",
            """{"reason": "Key compromise", "REASON": "certificateHold"}""",
        })
        {
            using var response = await client.PostAsync($"/api/v1/certificates/{id}/revoke", Body(json));
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, nameof(PkiErrorCode.InvalidRequest));
        }

        using var after = await client.GetAsync($"/api/v1/certificates/{id}");
        Assert.Equal("active", (await after.ReadJsonAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_property_given_twice_is_400_on_every_JSON_route()
    {
        using var client = Server.Client();
        using var csr = new TestCsr("CN=duplicate");
        string pem = JsonSerializer.Serialize(csr.Pem);
        int cas = await CountCasAsync(client);
        foreach (var (path, json) in new[]
        {
            ("/api/v1/certificates/sign-csr", $$"""{"csr": {{pem}}, "ca_id": "{{Server.IssuingId}}", "CSR": "x"}"""),
            ("/api/v1/certificates/sign-csr", $$"""{"csr": {{pem}}, "ca_id": "{{Server.IssuingId}}", "ca_id": "{{Server.RootId}}"}"""),
            ($"/api/v1/certificates/?ca_id={Server.IssuingId}", """{"common_name": "a.example", "common_name": "b.example", "key_algorithm": "EcdsaP256"}"""),
            ("/api/v1/cas/", """{"name": "dup-a", "name": "dup-b", "subject_dn": "CN=dup"}"""),
            ($"/frontdoor/{Server.IssuingId}/certificate-request-tokens", """{"name": "dup", "commonName": "a", "commonName": "b"}"""),
            ("/KeyfactorAPI/CSRGeneration/Generate", """{"Subject": "CN=a", "subject": "CN=b", "KeyType": "ECC", "KeyLength": 256}"""),
        })
        {
            using var response = await client.PostAsync(path, Body(json));
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, nameof(PkiErrorCode.InvalidRequest));
        }

        Assert.Equal(cas, await CountCasAsync(client));
    }

    // ---- Token redemption: the path carries the secret; it must not come back in any answer or log line.

    [Fact]
    public async Task Redemption_errors_do_not_echo_the_token_secret_and_leave_the_token_unused()
    {
        using var admin = Server.Client();
        using var created = await admin.PostAsync($"/frontdoor/{Server.IssuingId}/certificate-request-tokens", Http.Json(new { name = "hostile-redeem", validYears = 1 }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = await created.ReadJsonAsync();
        string secret = token.GetProperty("token").GetString()!;
        string id = token.GetProperty("id").GetString()!;

        using var anonymous = Server.Client(key: null);
        string path = $"/frontdoor/{Server.IssuingId}/client-certificates/token/{secret}";
        foreach (var (json, status, code) in new[]
        {
            ("""{"type": 5}""", HttpStatusCode.BadRequest, "InvalidRequest"),
            ("""{"type": "CSR", "value": "garbage"}""", HttpStatusCode.BadRequest, "InvalidCsr"),
            ("""{"type": "CSR", "value": "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----"}""", HttpStatusCode.BadRequest, "InvalidCsr"),
            ("""{"type": "CSR", "value": "x", "value": "y"}""", HttpStatusCode.BadRequest, "InvalidRequest"),
            ("[]", HttpStatusCode.BadRequest, "InvalidRequest"),
            ("", HttpStatusCode.BadRequest, "InvalidRequest"),
        })
        {
            using var response = await anonymous.PostAsync(path, Body(json));
            var problem = await AssertProblemAsync(response, status, code);
            Assert.DoesNotContain(secret, problem.ToString(), StringComparison.Ordinal);
            Assert.Equal($"/frontdoor/{Server.IssuingId}/client-certificates/token/{{token}}", problem.GetProperty("instance").GetString());
        }

        // Off the route too (a trailing slash; a method the route does not take): the secret stays out of the answer, and
        // the wrong method is a 405 rather than a demand for an API key.
        using (var trailing = await anonymous.PostAsync(path + "/", Body("""{"type": "CSR", "value": "garbage"}""")))
        {
            string body = await trailing.Content.ReadAsStringAsync();
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        }

        using (var wrongMethod = await anonymous.GetAsync(path))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
            Assert.DoesNotContain(secret, await wrongMethod.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var state = await admin.GetAsync($"/frontdoor/{Server.IssuingId}/certificate-request-tokens/{id}");
        Assert.Equal("unused", (await state.ReadJsonAsync()).GetProperty("state").GetString());
    }

    // ---- Auth headers.

    [Theory]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Basic dGVzdC1hZG1pbi1rZXk6")]
    [InlineData("test-admin-key")]
    [InlineData("Bearer test-admin-key, Bearer test-admin-key")]
    [InlineData("Bearer test-admin-key\u00e9")]
    public async Task Malformed_auth_headers_are_401_without_echoing_the_key(string header)
    {
        using var client = Server.Client(key: null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/cas/");
        Assert.True(request.Headers.TryAddWithoutValidation("Authorization", header));
        using var response = await client.SendAsync(request);
        var problem = await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "Unauthorized");
        Assert.DoesNotContain("test-admin-key", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_authorization_headers_or_a_huge_one_are_401()
    {
        using var client = Server.Client(key: null);
        using var twice = new HttpRequestMessage(HttpMethod.Get, "/api/v1/cas/");
        twice.Headers.TryAddWithoutValidation("Authorization", [$"Bearer {CaServerFactory.AdminKey}", $"Bearer {CaServerFactory.AdminKey}"]);
        using var twiceResponse = await client.SendAsync(twice);
        await AssertProblemAsync(twiceResponse, HttpStatusCode.Unauthorized, "Unauthorized");

        using var huge = new HttpRequestMessage(HttpMethod.Get, $"/zones/{Server.IssuingId}/client_certificates");
        huge.Headers.TryAddWithoutValidation("Authorization", "Bearer " + new string('k', 64 * 1024));
        using var hugeResponse = await client.SendAsync(huge);
        await AssertEnvelopeErrorAsync(hugeResponse, HttpStatusCode.Unauthorized, 10000);
    }

    // ---- Requests the framework answers itself: they used to come back with an empty body.

    [Theory]
    [InlineData("PUT", "/api/v1/cas/", 405, "MethodNotAllowed")]
    [InlineData("DELETE", "/api/v1/certificates/0123456789abcdef0123456789abcdef", 405, "MethodNotAllowed")]
    [InlineData("PUT", "/frontdoor/x/certificate-request-tokens", 405, "MethodNotAllowed")]
    [InlineData("GET", "/api/v1/certificates/sign-csr/x", 404, "NotFound")]
    [InlineData("GET", "/nothing-here", 404, "NotFound")]
    public async Task Unknown_routes_and_methods_answer_a_problem(string method, string path, int status, string code)
    {
        using var client = Server.Client();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await client.SendAsync(request);
        await AssertProblemAsync(response, (HttpStatusCode)status, code);
    }

    [Fact]
    public async Task A_wrong_method_on_the_zone_answers_the_envelope()
    {
        using var client = Server.Client();
        using var request = new HttpRequestMessage(HttpMethod.Put, Zone);
        using var response = await client.SendAsync(request);
        await AssertEnvelopeErrorAsync(response, HttpStatusCode.MethodNotAllowed, (int)PkiErrorCode.InvalidRequest);
    }

    [Theory]
    [InlineData("/ca/foo.txt")]
    [InlineData("/ca/foo")]
    [InlineData("/crl/foo.txt")]
    [InlineData("/crl/%E2%82%AC")]
    public async Task A_publication_file_of_no_known_kind_is_404_AuthorityNotFound(string path)
    {
        using var anonymous = Server.Client(key: null);
        using var response = await anonymous.GetAsync(path);
        await AssertProblemAsync(response, HttpStatusCode.NotFound, nameof(PkiErrorCode.AuthorityNotFound));
    }

    // ---- OCSP: garbage is an OCSP malformedRequest answer (RFC 6960), not an HTTP error and never a 500.

    private static readonly byte[] s_malformedRequest = [0x30, 0x03, 0x0A, 0x01, 0x01];

    [Theory]
    [InlineData("!!!!")]
    [InlineData("AAAA")]
    [InlineData("QUFB%2FQUFB")]
    [InlineData("a/b/c")]
    [InlineData("%E2%82%AC")]
    [InlineData("MAA=")]
    [InlineData("")]
    public async Task OCSP_GET_with_garbage_is_malformedRequest(string request)
    {
        using var anonymous = Server.Client(key: null);
        using var response = await anonymous.GetAsync($"/ocsp/{Server.IssuingId}/{request}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/ocsp-response", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(s_malformedRequest, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task OCSP_POST_with_garbage_is_malformedRequest_and_a_huge_one_is_413()
    {
        using var anonymous = Server.Client(key: null);
        foreach (byte[] body in new[] { Encoding.ASCII.GetBytes("garbage"), [], [0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF], new byte[900_000] })
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/ocsp-request");
            using var response = await anonymous.PostAsync($"/ocsp/{Server.IssuingId}", content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(s_malformedRequest, await response.Content.ReadAsByteArrayAsync());
        }

        using var huge = new ByteArrayContent(new byte[1_100_000]);
        huge.Headers.ContentType = new("application/ocsp-request");
        using var tooLarge = await anonymous.PostAsync($"/ocsp/{Server.IssuingId}", huge);
        await AssertProblemAsync(tooLarge, HttpStatusCode.RequestEntityTooLarge, nameof(PkiErrorCode.InputTooLarge));
    }

    // ---- Outside Development: binding failures and unexpected errors.

    [Fact]
    public async Task In_production_binding_failures_have_a_body_and_unexpected_errors_log_no_token_secret()
    {
        var logs = new LogCapture();
        // Logging as verbose as configuration can make it (as when the server runs without the shipped appsettings.json).
        await using var production = new CaServerFactory(new Dictionary<string, string>
        {
            ["environment"] = "Production",
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
        });
        await using var server = production.WithWebHostBuilder(builder => builder.ConfigureServices(services =>
        {
            services.AddSingleton<ILoggerProvider>(logs);
            services.AddSingleton(Failing.Create<IRequestTokenService>());
        }));
        using var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", CaServerFactory.AdminKey);
        var state = server.Services.GetRequiredService<CaServerState>();
        await state.Ready.WaitAsync(TimeSpan.FromSeconds(60));

        // A query value that does not bind: outside Development minimal APIs answer 400 with no body of their own.
        using var page = await client.GetAsync($"/zones/{state.IssuingId}/client_certificates?page=abc");
        await AssertEnvelopeErrorAsync(page, HttpStatusCode.BadRequest, (int)PkiErrorCode.InvalidRequest);
        using var method = await client.DeleteAsync("/api/v1/cas/");
        await AssertProblemAsync(method, HttpStatusCode.MethodNotAllowed, "MethodNotAllowed");

        // An unexpected failure on the redemption route: a 500 without detail, and no log line (the request lines of
        // ASP.NET Core's hosting diagnostics included) has the secret.
        const string secret = "crt_THIS-IS-THE-SECRET-0123456789abcdefghijklmnopq";
        using var csr = new TestCsr("CN=failing");
        using var anonymous = server.CreateClient();
        using var redeem = await anonymous.PostAsync($"/frontdoor/{state.IssuingId}/client-certificates/token/{secret}", Http.Json(new { type = "CSR", value = csr.Pem }));
        var problem = await AssertProblemAsync(redeem, HttpStatusCode.InternalServerError, "InternalError");
        Assert.Equal("An internal error occurred.", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain(secret, problem.ToString(), StringComparison.Ordinal);

        string[] lines = logs.Lines();
        Assert.Contains(lines, line => line.Contains("/client-certificates/token/{token}", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains(secret, StringComparison.Ordinal) || line.Contains(CaServerFactory.AdminKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stored_key_the_server_cannot_use_is_a_500_whose_detail_stays_in_the_log()
    {
        var logs = new LogCapture();
        await using var server = new CaServerFactory().WithWebHostBuilder(builder => builder.ConfigureServices(services =>
        {
            services.AddSingleton<ILoggerProvider>(logs);
            services.AddSingleton(KeyUnavailable.Create<IRequestTokenService>());
        }));
        var state = server.Services.GetRequiredService<CaServerState>();
        await state.Ready.WaitAsync(TimeSpan.FromSeconds(60));

        using var csr = new TestCsr("CN=misconfigured");
        using var anonymous = server.CreateClient();
        using var redeem = await anonymous.PostAsync($"/frontdoor/{state.IssuingId}/client-certificates/token/crt_x", Http.Json(new { type = "CSR", value = csr.Pem }));

        var problem = await AssertProblemAsync(redeem, HttpStatusCode.InternalServerError, nameof(PkiErrorCode.KeyUnavailable));
        Assert.DoesNotContain(KeyUnavailable.KeyId, problem.ToString(), StringComparison.Ordinal); // the operator's detail
        Assert.Contains(logs.Lines(), line => line.Contains(KeyUnavailable.KeyId, StringComparison.Ordinal));
    }

    /// <summary>Every log line the logging configuration lets through.</summary>
    private sealed class LogCapture : ILoggerProvider, ILogger
    {
        private readonly List<string> _lines = [];

        public string[] Lines()
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines)
            {
                _lines.Add($"{logLevel}: {formatter(state, exception)} {exception}");
            }
        }

        public void Dispose()
        {
        }
    }

    /// <summary>A service whose every method throws an exception the server does not expect.</summary>
    public class KeyUnavailable : DispatchProxy
    {
        public const string KeyId = "01a2-stored-key-id";

        public static T Create<T>()
            where T : class => Create<T, KeyUnavailable>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            throw new PkiException(PkiErrorCode.KeyUnavailable, $"The stored key '{KeyId}' cannot be decrypted with the configured key-encryption keys.");
    }

    public class Failing : DispatchProxy
    {
        public static T Create<T>()
            where T : class => Create<T, Failing>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            throw new InvalidOperationException("Simulated failure.");
    }
}
