using System.Security.Cryptography.X509Certificates;
using Pki.CaServer.Http;
using Pki.CaServer.Security;
using Pki.Core;

namespace Pki.CaServer.Routes;

/// <summary>
/// What the CAs publish, without an API key: CA certificates (<c>/ca/{ca}.crt</c>), CRLs (<c>/crl/{ca}.crl</c>, delta
/// <c>/crl/{ca}-delta.crl</c>) and OCSP (<c>POST /ocsp/{ca}</c>, <c>GET /ocsp/{ca}/{base64}</c>, RFC 6960 appendix A).
/// <c>{ca}</c> is a CA id or name. These routes run as the publication caller.
/// </summary>
public static class PublicationRoutes
{
    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        var publication = app.MapGroup("")
            .WithMetadata(new AllowAnonymousCallerAttribute())
            .AddEndpointFilter((context, next) =>
            {
                HttpCallerAccessor.SetCaller(context.HttpContext, HttpCallerAccessor.Publisher);
                return next(context);
            });
        string[] getOrHead = [HttpMethods.Get, HttpMethods.Head]; // HEAD for monitors and caches (RFC 9110 section 9.3.2)
        publication.MapMethods("/ca/{file}", getOrHead, CertificateAsync);
        publication.MapMethods("/crl/{file}", getOrHead, CrlAsync);
        publication.MapPost("/ocsp/{ca}", OcspPostAsync);
        publication.MapMethods("/ocsp/{ca}/{**request}", getOrHead, OcspGetAsync);
    }

    private static async Task<IResult> CertificateAsync(string file, ICertificateAuthority authorities, PublicationNameIndex names, CancellationToken cancellationToken)
    {
        bool pem = file.EndsWith(".pem", StringComparison.Ordinal);
        if (!pem && !file.EndsWith(".crt", StringComparison.Ordinal))
        {
            throw new PkiException(PkiErrorCode.AuthorityNotFound, "A CA certificate is published as /ca/{ca}.crt or /ca/{ca}.pem.");
        }

        var authority = await authorities.GetAsync(await ResolveAsync(file[..^4], names, cancellationToken), cancellationToken);
        if (pem)
        {
            return Results.Text(authority.CertificatePem, "application/x-pem-file");
        }

        using var certificate = X509Certificate2.CreateFromPem(authority.CertificatePem);
        return Results.Bytes(certificate.RawData, "application/pkix-cert");
    }

    private static async Task<IResult> CrlAsync(string file, HttpContext context, PublicationNameIndex names, IRevocationService revocation, CancellationToken cancellationToken)
    {
        const string delta = "-delta.crl";
        if (file.EndsWith(delta, StringComparison.Ordinal))
        {
            var reference = await ResolveAsync(file[..^delta.Length], names, cancellationToken);
            return Crl(context, await revocation.GetDeltaCrlAsync(reference, cancellationToken)); // the last one while it is fresh
        }

        if (file.EndsWith(".crl", StringComparison.Ordinal))
        {
            var reference = await ResolveAsync(file[..^4], names, cancellationToken);
            return Crl(context, await revocation.GetCrlAsync(reference, cancellationToken));
        }

        throw new PkiException(PkiErrorCode.AuthorityNotFound, "A CRL is published as /crl/{ca}.crl or /crl/{ca}-delta.crl.");
    }

    private static async Task<IResult> OcspPostAsync(string ca, HttpContext context, IRevocationService revocation, TimeProvider time, CancellationToken cancellationToken)
    {
        byte[] body = await Json.ReadBytesAsync(context.Request, cancellationToken);
        var response = await revocation.AnswerAsync(body, cancellationToken);
        return OcspHttp.Result(context, response, time.GetUtcNow(), cacheable: false); // RFC 5019 caching is for GET
    }

    private static async Task<IResult> OcspGetAsync(string ca, string? request, HttpContext context, IRevocationService revocation, TimeProvider time, CancellationToken cancellationToken)
    {
        var response = await revocation.AnswerAsync(OcspHttp.DecodeGetRequest(request), cancellationToken);
        return OcspHttp.Result(context, response, time.GetUtcNow(), cacheable: true);
    }

    /// <summary>
    /// The CRL, which caches may store but must revalidate on every use (<c>no-cache</c>): this server makes a new CRL as
    /// soon as a status changes, long before the last one's nextUpdate, and a cache keeping the old one until then would
    /// hide a revocation. Revalidation is cheap: the ETag (CA and CRL number) and Last-Modified answer 304 while it is current.
    /// </summary>
    private static IResult Crl(HttpContext context, CertificateRevocationList crl)
    {
        context.Response.GetTypedHeaders().CacheControl = new Microsoft.Net.Http.Headers.CacheControlHeaderValue { Public = true, NoCache = true, NoTransform = true };
        return Results.Bytes(crl.Der.ToArray(), "application/pkix-crl", lastModified: crl.ThisUpdate, entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{crl.AuthorityId}-{crl.Number}\""));
    }

    /// <summary>An id as it is; a name to the id of the one CA with that name (the publication URLs carry names).</summary>
    private static ValueTask<CaReference> ResolveAsync(string key, PublicationNameIndex names, CancellationToken cancellationToken) =>
        CaKey.IsId(key) ? ValueTask.FromResult(CaReference.ById(key)) : names.ResolveAsync(key, cancellationToken);
}
