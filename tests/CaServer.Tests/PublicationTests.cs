using System.Globalization;
using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CaServer.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Pki.CaServer.Hosting;
using Pki.Core.Tests.TestSupport;

namespace CaServer.Tests;

/// <summary>CA certificates, CRLs and OCSP without an API key, at the URLs the CAs put into what they issue.</summary>
[Collection(ServerGroup.Name)]
public sealed class PublicationTests(CaServerFixture fixture)
{
    private CaServerFactory Server => fixture.Server;

    private async Task<(string Id, string Pem, string Serial)> SignClientAsync(string cn)
    {
        using var admin = Server.Client();
        using var csr = new TestCsr($"CN={cn}");
        using var response = await admin.PostAsync("/api/v1/certificates/sign-csr", Http.Json(new { csr = csr.Pem, certificate_type = "client", ca_id = Server.IssuingId }));
        var body = await response.ReadJsonAsync();
        return (body.GetProperty("id").GetString()!, body.GetProperty("certificate_pem").GetString()!, body.GetProperty("serial_number").GetString()!);
    }

    [Fact]
    public async Task CA_certificates_are_served_in_DER_by_id_and_by_name()
    {
        using var anonymous = Server.Client(key: null);
        using var byId = await anonymous.GetAsync($"/ca/{Server.IssuingId}.crt");
        Assert.Equal(HttpStatusCode.OK, byId.StatusCode);
        Assert.Equal("application/pkix-cert", byId.Content.Headers.ContentType?.MediaType);
        using var issuing = X509CertificateLoader.LoadCertificate(await byId.Content.ReadAsByteArrayAsync());
        Assert.Contains("CN=CaServer Issuing CA", issuing.Subject, StringComparison.Ordinal);

        using var byName = await anonymous.GetAsync("/ca/CaServer%20Issuing%20CA.crt");
        Assert.Equal(await byId.Content.ReadAsByteArrayAsync(), await byName.Content.ReadAsByteArrayAsync());
        using var pem = await anonymous.GetAsync($"/ca/{Server.RootId}.pem");
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", await pem.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var unknown = await anonymous.GetAsync("/ca/nobody.crt");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Publication_urls_by_name_do_not_list_every_CA_per_request()
    {
        await using var factory = new CaServerFactory();
        await using var server = ListCountingAuthorityStore.Wrap(factory);
        using var anonymous = server.CreateClient();
        await server.Services.GetRequiredService<CaServerState>().Ready.WaitAsync(TimeSpan.FromSeconds(60));
        var store = ListCountingAuthorityStore.Get(server);
        int before = store.Lists;

        // Anonymous requests by name, known and unknown: the names are read once, not once per request.
        for (int i = 0; i < 10; i++)
        {
            using var known = await anonymous.GetAsync("/ca/CaServer%20Issuing%20CA.crt");
            Assert.Equal(HttpStatusCode.OK, known.StatusCode);
            using var unknown = await anonymous.GetAsync($"/ca/nobody-{i}.pem");
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        Assert.Equal(1, store.Lists - before);

        // A CA created through the server is published by name at once, not when the names read above grow old.
        using var admin = server.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", CaServerFactory.AdminKey);
        using var created = await admin.PostAsync("/api/v1/cas/", Http.Json(new { name = "Fresh CA", subject_dn = "CN=Fresh CA" }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var fresh = await anonymous.GetAsync("/ca/Fresh%20CA.crt");
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    [Fact]
    public async Task A_name_that_CAs_of_several_organizations_share_is_404_like_an_unknown_one()
    {
        // The server refuses such names itself; the library does not (names are unique per organization), so they are made
        // through it here, before anything is published.
        await using var server = new CaServerFactory();
        await server.StartAsync();
        var authorities = server.Services.GetRequiredService<Pki.Core.ICertificateAuthority>();
        using (Pki.CaServer.Security.HttpCallerAccessor.RunAs(Pki.Core.PkiCaller.System))
        {
            // "Twin": without an organization and in one (the library would prefer the first); "Pair": in two organizations.
            foreach (var (name, organization) in new[] { ("Twin", null), ("Twin", "Org A"), ("Pair", "Org A"), ("Pair", "Org B") })
            {
                await authorities.CreateRootAsync(new Pki.Core.CreateRootAuthorityRequest
                {
                    Name = name, Organization = organization, Subject = Pki.Core.DistinguishedName.Parse($"CN={name}"),
                });
            }
        }

        using var anonymous = server.Client(key: null);
        foreach (string path in new[] { "/ca/Twin.crt", "/ca/Pair.pem", "/crl/Twin.crl", "/crl/Pair-delta.crl" })
        {
            using var shared = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, shared.StatusCode);
            var problem = await shared.ReadJsonAsync();
            Assert.Equal("AuthorityNotFound", problem.GetProperty("code").GetString());
            Assert.StartsWith("Several CAs are named", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using var unknown = await anonymous.GetAsync("/crl/Nobody.crl");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("CA 'Nobody' does not exist.", (await unknown.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Issued_certificates_point_at_this_servers_publication_routes()
    {
        var (_, pem, _) = await SignClientAsync("urls");
        using var certificate = X509Certificate2.CreateFromPem(pem);
        string cdp = certificate.Extensions.OfType<X509Extension>().Single(e => e.Oid?.Value == "2.5.29.31").Format(false);
        Assert.Contains("http://localhost/crl/CaServer%20Issuing%20CA.crl", cdp, StringComparison.Ordinal);
        var aia = certificate.Extensions.OfType<X509AuthorityInformationAccessExtension>().Single();
        Assert.Equal(["http://localhost/ocsp/CaServer%20Issuing%20CA"], aia.EnumerateOcspUris());
        Assert.Equal(["http://localhost/ca/CaServer%20Issuing%20CA.crt"], aia.EnumerateCAIssuersUris());
        // freshestCRL (2.5.29.46): where relying parties find the delta CRLs.
        var freshest = certificate.Extensions["2.5.29.46"];
        Assert.NotNull(freshest);
        Assert.False(freshest.Critical);
        Assert.Contains("http://localhost/crl/CaServer%20Issuing%20CA-delta.crl", freshest.Format(false), StringComparison.Ordinal);

        using var anonymous = Server.Client(key: null);
        using var crl = await anonymous.GetAsync(new Uri(new Uri("http://localhost/crl/CaServer%20Issuing%20CA.crl").PathAndQuery, UriKind.Relative));
        Assert.Equal("application/pkix-crl", crl.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, crl.StatusCode);
        using var delta = await anonymous.GetAsync(new Uri(new Uri("http://localhost/crl/CaServer%20Issuing%20CA-delta.crl").PathAndQuery, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, delta.StatusCode);
        Assert.Equal("application/pkix-crl", delta.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_hold_after_the_served_CRL_is_found_by_openssl_verify_use_deltas_through_the_served_delta()
    {
        var (id, pem, _) = await SignClientAsync("held-after-base");
        using var anonymous = Server.Client(key: null);
        using var openssl = new OpenSsl();
        using var rootResponse = await anonymous.GetAsync($"/ca/{Server.RootId}.pem");
        using var issuingResponse = await anonymous.GetAsync($"/ca/{Server.IssuingId}.pem");
        string root = await rootResponse.Content.ReadAsStringAsync();
        string issuing = await issuingResponse.Content.ReadAsStringAsync();
        async Task<string> DownloadPemAsync(string file, string route)
        {
            using var response = await anonymous.GetAsync(route);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            string path = Path.Combine(openssl.Directory, file);
            var (exit, output) = openssl.Run("crl", "-inform", "DER", "-in", openssl.Write(file + ".der", await response.Content.ReadAsByteArrayAsync()), "-out", path);
            Assert.True(exit == 0, output);
            return path;
        }

        // The full CRL from the certificate's CRL distribution point, then a hold, then the delta from its freshestCRL.
        string full = await DownloadPemAsync("full.pem", "/crl/CaServer%20Issuing%20CA.crl");
        using var admin = Server.Client();
        (await admin.PostAsync($"/api/v1/certificates/{id}/revoke", Http.Json(new { reason = "Certificate hold" }))).Dispose();
        string delta = await DownloadPemAsync("delta.pem", "/crl/CaServer%20Issuing%20CA-delta.crl");
        var (_, fullText) = openssl.Run("crl", "-in", full, "-noout", "-text");
        Assert.Contains("URI:http://localhost/crl/CaServer%20Issuing%20CA-delta.crl", fullText, StringComparison.Ordinal);

        foreach (string[] checks in new[] { new[] { "-crl_check", "-use_deltas" }, ["-crl_check", "-extended_crl", "-use_deltas"] })
        {
            var (exit, output) = openssl.Verify(root, issuing, pem, "sslclient", [.. checks, "-CRLfile", full, "-CRLfile", delta]);
            Assert.True(exit == 2, output);
            Assert.Contains("certificate revoked", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_revoked_serial_is_on_the_CRL_and_the_delta_CRL()
    {
        var (id, _, serial) = await SignClientAsync("crl-entry");
        using var admin = Server.Client();
        (await admin.PostAsync($"/api/v1/certificates/{id}/revoke", Http.Json(new { reason = "Superseded" }))).Dispose();

        using var anonymous = Server.Client(key: null);
        using var full = await anonymous.GetAsync($"/crl/{Server.IssuingId}.crl");
        Assert.Equal("application/pkix-crl", full.Content.Headers.ContentType?.MediaType);
        byte[] der = await full.Content.ReadAsByteArrayAsync();
        // .NET's own CRL reader: the entry is there.
        var builder = CertificateRevocationListBuilder.Load(der, out BigInteger number);
        Assert.True(number > 0);
        Assert.True(builder.RemoveEntry(Pki.Core.SerialNumber.Parse(serial).Bytes)); // the DER INTEGER contents

        // openssl: signature and entry.
        using var openssl = new OpenSsl();
        using var issuingResponse = await anonymous.GetAsync($"/ca/{Server.IssuingId}.pem");
        string ca = openssl.Write("ca.pem", await issuingResponse.Content.ReadAsStringAsync());
        string crlFile = openssl.Write("ca.crl", der);
        var (exit, output) = openssl.Run("crl", "-inform", "DER", "-in", crlFile, "-CAfile", ca, "-noout", "-text");
        Assert.Equal(0, exit);
        Assert.Contains("verify OK", output, StringComparison.Ordinal);
        Assert.Contains(serial, output, StringComparison.OrdinalIgnoreCase);

        using var delta = await anonymous.GetAsync($"/crl/{Server.IssuingId}-delta.crl");
        Assert.Equal(HttpStatusCode.OK, delta.StatusCode);
        string deltaFile = openssl.Write("delta.crl", await delta.Content.ReadAsByteArrayAsync());
        var (deltaExit, deltaText) = openssl.Run("crl", "-inform", "DER", "-in", deltaFile, "-CAfile", ca, "-noout", "-text");
        Assert.Equal(0, deltaExit);
        Assert.Contains("Delta CRL Indicator", deltaText, StringComparison.Ordinal);

        using var unknown = await anonymous.GetAsync("/crl/nobody.crl");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private static StringContent Body(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    [Fact]
    public async Task Ca_names_stay_unambiguous_in_the_publication_urls()
    {
        using var admin = Server.Client();
        string name = "Published " + Guid.NewGuid().ToString("N");
        using (var created = await admin.PostAsync("/api/v1/cas/", Body($$"""{"name":"{{name}}","subject_dn":"CN=published"}""")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        // The same name in another organization would make /crl/{name}.crl ambiguous; a "-delta" name would read as a delta CRL.
        using var again = await admin.PostAsync("/api/v1/cas/", Body($$"""{"name":"{{name}}","organization":"Elsewhere Inc","subject_dn":"CN=published"}"""));
        using var delta = await admin.PostAsync("/api/v1/cas/", Body("""{"name":"Lab-delta","subject_dn":"CN=lab"}"""));

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, delta.StatusCode);
        using var anonymous = Server.Client(key: null);
        using var crl = await anonymous.GetAsync($"/crl/{Uri.EscapeDataString(name)}.crl");
        Assert.Equal(HttpStatusCode.OK, crl.StatusCode);

        // Its delta CRL, asked for twice with nothing changed in between, is the same CRL: anonymous requests sign nothing new.
        using var first = await anonymous.GetAsync($"/crl/{Uri.EscapeDataString(name)}-delta.crl");
        using var second = await anonymous.GetAsync($"/crl/{Uri.EscapeDataString(name)}-delta.crl");
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await second.Content.ReadAsByteArrayAsync());
        Assert.NotNull(second.Content.Headers.LastModified);
    }

    [Fact]
    public async Task OCSP_POST_and_GET_answer_DER_responses_that_openssl_verifies()
    {
        var (id, pem, _) = await SignClientAsync("ocsp");
        using var anonymous = Server.Client(key: null);
        using var openssl = new OpenSsl();
        using var issuingResponse = await anonymous.GetAsync($"/ca/{Server.IssuingId}.pem");
        using var rootResponse = await anonymous.GetAsync($"/ca/{Server.RootId}.pem");
        string issuing = openssl.Write("issuing.pem", await issuingResponse.Content.ReadAsStringAsync());
        string root = openssl.Write("root.pem", await rootResponse.Content.ReadAsStringAsync());
        string leaf = openssl.Write("leaf.pem", pem);
        Assert.Equal(0, openssl.Run("ocsp", "-issuer", issuing, "-cert", leaf, "-no_nonce", "-reqout", "req.der").ExitCode);
        byte[] request = await File.ReadAllBytesAsync(Path.Combine(openssl.Directory, "req.der"));

        async Task<string> StatusAsync(HttpResponseMessage response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/ocsp-response", response.Content.Headers.ContentType?.MediaType);
            byte[] der = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(0x30, der[0]);
            string file = openssl.Write("resp.der", der);
            return openssl.Run("ocsp", "-respin", file, "-issuer", issuing, "-CAfile", root, "-verify_other", issuing, "-cert", leaf, "-no_nonce").Output;
        }

        using var content = new ByteArrayContent(request);
        content.Headers.ContentType = new("application/ocsp-request");
        using var post = await anonymous.PostAsync($"/ocsp/{Server.IssuingId}", content);
        string good = await StatusAsync(post);
        Assert.Contains("Response verify OK", good, StringComparison.Ordinal);
        Assert.Contains("leaf.pem: good", good, StringComparison.Ordinal);

        using var admin = Server.Client();
        (await admin.PostAsync($"/api/v1/certificates/{id}/revoke", Http.Json(new { reason = "Key compromise" }))).Dispose();
        using var get = await anonymous.GetAsync($"/ocsp/{Server.IssuingId}/{Uri.EscapeDataString(Convert.ToBase64String(request))}");
        Assert.Contains("leaf.pem: revoked", await StatusAsync(get), StringComparison.Ordinal);

        using var garbage = await anonymous.GetAsync($"/ocsp/{Server.IssuingId}/not-base64!");
        Assert.Equal(HttpStatusCode.OK, garbage.StatusCode); // an OCSP malformedRequest response, not an HTTP error
        Assert.Equal("application/ocsp-response", garbage.Content.Headers.ContentType?.MediaType);
    }
    [Fact]
    public async Task OCSP_GET_is_cacheable_until_nextUpdate_as_RFC_5019_asks_and_POST_and_errors_are_not()
    {
        var (_, pem, _) = await SignClientAsync("ocsp-cache");
        using var anonymous = Server.Client(key: null);
        using var openssl = new OpenSsl();
        using var issuingResponse = await anonymous.GetAsync($"/ca/{Server.IssuingId}.pem");
        string issuing = openssl.Write("issuing.pem", await issuingResponse.Content.ReadAsStringAsync());
        string leaf = openssl.Write("leaf.pem", pem);
        Assert.Equal(0, openssl.Run("ocsp", "-issuer", issuing, "-cert", leaf, "-no_nonce", "-reqout", "req.der").ExitCode);
        byte[] request = await File.ReadAllBytesAsync(Path.Combine(openssl.Directory, "req.der"));
        string url = $"/ocsp/{Server.IssuingId}/{Uri.EscapeDataString(Convert.ToBase64String(request))}";

        using var get = await anonymous.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        byte[] der = await get.Content.ReadAsByteArrayAsync();
        var cacheControl = get.Headers.CacheControl!;
        Assert.True(cacheControl is { Public: true, NoTransform: true, MustRevalidate: true, NoStore: false });
        Assert.InRange(cacheControl.MaxAge!.Value, TimeSpan.FromMinutes(50), TimeSpan.FromHours(1)); // until nextUpdate (1 h after thisUpdate)
#pragma warning disable CA5350 // RFC 5019 recommends the SHA-1 of the response as its ETag: an identifier, not a security function
        Assert.Equal($"\"{Convert.ToHexString(SHA1.HashData(der)).ToLowerInvariant()}\"", get.Headers.ETag?.Tag);
#pragma warning restore CA5350

        // Last-Modified and Expires are the response's own thisUpdate and nextUpdate, as openssl reads them.
        string text = openssl.Run("ocsp", "-respin", openssl.Write("resp.der", der), "-resp_text", "-noverify").Output;
        Assert.Equal(OpenSslTime(text, "This Update:"), get.Content.Headers.LastModified);
        Assert.Equal(OpenSslTime(text, "Next Update:"), get.Content.Headers.Expires);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, url);
        conditional.Headers.IfNoneMatch.Add(get.Headers.ETag!);
        using var notModified = await anonymous.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var content = new ByteArrayContent(request);
        content.Headers.ContentType = new("application/ocsp-request");
        using var post = await anonymous.PostAsync($"/ocsp/{Server.IssuingId}", content);
        using var garbage = await anonymous.GetAsync($"/ocsp/{Server.IssuingId}/AAAA");
        foreach (var uncacheable in new[] { post, garbage })
        {
            Assert.Equal(HttpStatusCode.OK, uncacheable.StatusCode);
            Assert.True(uncacheable.Headers.CacheControl?.NoStore);
            Assert.Null(uncacheable.Content.Headers.Expires);
        }
    }

    /// <summary>A time as <c>openssl ocsp -resp_text</c> prints it ("Nov 26 12:00:00 2026 GMT") after <paramref name="label"/>.</summary>
    private static DateTimeOffset OpenSslTime(string text, string label)
    {
        string line = text.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith(label, StringComparison.Ordinal));
        string value = string.Join(' ', line[label.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return DateTimeOffset.ParseExact(value, "MMM d HH:mm:ss yyyy 'GMT'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }
}
