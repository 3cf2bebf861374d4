using System.Net;
using System.Text.Json;
using CaServer.Tests.TestSupport;
using Pki.Core;

namespace CaServer.Tests;

/// <summary>
/// HTTP details a deployment meets: HEAD and 405 with Allow on the publication routes, CRL caching, blank CA references,
/// CA names that must survive the publication URLs, concurrent creation under one name, and the zone envelope whatever
/// the path's case.
/// </summary>
[Collection(ServerGroup.Name)]
public sealed class HttpSemanticsTests(CaServerFixture fixture)
{
    private CaServerFactory Server => fixture.Server;

    private static async Task AssertCodeAsync(HttpResponseMessage response, HttpStatusCode status, PkiErrorCode code)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        using var document = JsonDocument.Parse(text);
        Assert.Equal(code.ToString(), document.RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Publication_routes_answer_HEAD_and_a_wrong_method_gets_405_with_Allow()
    {
        using var anonymous = Server.Client(key: null);
        foreach (string path in new[] { $"/crl/{Server.IssuingId}.crl", $"/ca/{Server.IssuingId}.crt" })
        {
            using var head = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        }

        using var post = await anonymous.PostAsync($"/crl/{Server.IssuingId}.crl", Http.RawJson("{}"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Contains("GET", post.Content.Headers.Allow);
        Assert.Contains("HEAD", post.Content.Headers.Allow);
    }

    [Fact]
    public async Task A_CRL_may_be_stored_by_caches_but_is_revalidated_on_every_use()
    {
        using var anonymous = Server.Client(key: null);
        using var crl = await anonymous.GetAsync($"/crl/{Server.IssuingId}.crl");
        Assert.True(crl.Headers.CacheControl is { Public: true, NoCache: true, NoTransform: true, NoStore: false });
        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/crl/{Server.IssuingId}.crl");
        conditional.Headers.IfNoneMatch.Add(crl.Headers.ETag!);
        using var revalidated = await anonymous.SendAsync(conditional);
        if (revalidated.StatusCode != HttpStatusCode.NotModified)
        {
            // Other tests share the server and revoke meanwhile: then a newer CRL, under a new validator.
            Assert.Equal(HttpStatusCode.OK, revalidated.StatusCode);
            Assert.NotEqual(crl.Headers.ETag, revalidated.Headers.ETag);
        }
    }

    [Theory]
    [InlineData("parent_id")]
    [InlineData("parent_name")]
    public async Task A_blank_parent_is_404_and_never_a_new_root(string field)
    {
        using var admin = Server.Client();
        string name = $"Blank Parent {field}";
        using var response = await admin.PostAsync("/api/v1/cas/", Http.RawJson($$"""{"name":"{{name}}","subject_dn":"CN={{name}}","{{field}}":""}"""));
        await AssertCodeAsync(response, HttpStatusCode.NotFound, PkiErrorCode.AuthorityNotFound);
        using var created = await admin.GetAsync($"/api/v1/cas/{Uri.EscapeDataString(name)}");
        Assert.Equal(HttpStatusCode.NotFound, created.StatusCode);
    }

    [Fact]
    public async Task A_blank_ca_id_on_sign_csr_is_404()
    {
        using var admin = Server.Client();
        using var csr = new TestCsr("CN=blank-ca");
        using var response = await admin.PostAsync("/api/v1/certificates/sign-csr", Http.Json(new { csr = csr.Pem, certificate_type = "client", ca_id = "" }));
        await AssertCodeAsync(response, HttpStatusCode.NotFound, PkiErrorCode.AuthorityNotFound);
    }

    [Theory]
    [InlineData("Lab/Root")]
    [InlineData("Lab\\Root")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("50%")]
    [InlineData("what?")]
    [InlineData("a#b")]
    [InlineData(" padded")]
    [InlineData("tab\tname")]
    [InlineData("0123456789abcdef0123456789abcdef")]
    public async Task A_CA_name_that_would_not_survive_its_publication_URLs_is_refused(string name)
    {
        using var admin = Server.Client();
        using var response = await admin.PostAsync("/api/v1/cas/", Http.Json(new { name, subject_dn = "CN=Unpublishable" }));
        await AssertCodeAsync(response, HttpStatusCode.BadRequest, PkiErrorCode.InvalidRequest);
    }

    [Fact]
    public async Task Concurrent_creations_under_one_name_make_one_CA()
    {
        using var admin = Server.Client();
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            admin.PostAsync("/api/v1/cas/", Http.Json(new { name = "Race CA", subject_dn = $"CN=Race CA {i}", organization = $"Race Org {i}" }))));
        try
        {
            Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
            Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
            using var anonymous = Server.Client(key: null);
            using var crl = await anonymous.GetAsync("/crl/Race%20CA.crl");
            Assert.Equal(HttpStatusCode.OK, crl.StatusCode);
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task Zone_errors_use_the_envelope_whatever_the_case_of_the_path()
    {
        using var admin = Server.Client();
        using var response = await admin.GetAsync($"/Zones/{Server.IssuingId}/client_certificates/0123456789abcdef0123456789abcdef");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.False(body.GetProperty("success").GetBoolean());
    }
}
