using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;
using Pki.Core;

namespace Pki.CaServer.Http;

/// <summary>OCSP over HTTP (RFC 6960 appendix A) with the caching profile of RFC 5019 section 6.2 for <c>GET</c>.</summary>
public static class OcspHttp
{
    /// <summary>The DER OCSPRequest in a <c>GET</c> path: base64 (or base64url), percent-encoded or not; empty when it is not one.</summary>
    public static byte[] DecodeGetRequest(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return []; // answered malformedRequest by the library
        }

        try
        {
            string base64 = Uri.UnescapeDataString(path).Replace('-', '+').Replace('_', '/');
            return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
        }
        catch (FormatException)
        {
            return [];
        }
    }

    /// <summary>
    /// The response as <c>application/ocsp-response</c>. With <paramref name="cacheable"/> (a <c>GET</c>) and a response
    /// without a nonce, shared caches may keep it until its nextUpdate: <c>Last-Modified</c> (thisUpdate), <c>Expires</c>
    /// (nextUpdate), <c>ETag</c> (the hex SHA-1 of the response, as RFC 5019 recommends) and
    /// <c>Cache-Control: max-age=…, public, no-transform, must-revalidate</c>; conditional requests get 304. Anything else
    /// is sent <c>no-store</c>.
    /// </summary>
    public static IResult Result(HttpContext context, OcspResponse response, DateTimeOffset now, bool cacheable)
    {
        var headers = context.Response.GetTypedHeaders();
        if (!cacheable || !response.IsCacheable || response.NextUpdate is not { } nextUpdate || nextUpdate <= now)
        {
            context.Response.Headers.CacheControl = "no-store";
            return Results.Bytes(response.Der.ToArray(), "application/ocsp-response");
        }

        long maxAge = (long)(nextUpdate - now).TotalSeconds;
        headers.CacheControl = new CacheControlHeaderValue { MaxAge = TimeSpan.FromSeconds(maxAge), Public = true, NoTransform = true, MustRevalidate = true };
        headers.Expires = nextUpdate;
        string etag = "\"" + Convert.ToHexString(SHA1.HashData(response.Der.Span)).ToLower(CultureInfo.InvariantCulture) + "\"";
        return Results.Bytes(response.Der.ToArray(), "application/ocsp-response", lastModified: response.ThisUpdate, entityTag: new EntityTagHeaderValue(etag));
    }
}
