using Pki.CaServer.Hosting;
using Pki.CaServer.Http;
using Pki.Core;

namespace Pki.CaServer.Routes;

/// <summary>CA management (seed 003): create a root or an intermediate, list, get. Every CA publishes on this server.</summary>
public static class AuthorityRoutes
{
    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        var cas = app.MapGroup("/api/v1/cas");
        cas.MapPost("/", CreateAsync);
        cas.MapGet("/", ListAsync);
        cas.MapGet("/{ca}", GetAsync);
    }

    private static async Task<IResult> CreateAsync(
        HttpRequest request, ICertificateAuthority authorities, IAuthorityStore store, PublicationNameIndex names, PublicUrls urls, CancellationToken cancellationToken)
    {
        var body = await Json.ReadBodyAsync<CreateBody>(request, Json.SnakeCase, cancellationToken);
        string name = body.Name ?? "";
        if (name.Length == 0 || body.SubjectDn is null)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, "name and subject_dn are required.");
        }

        using var reservation = await PublicationNames.ReserveAsync(name, store, names, cancellationToken);

        var keyAlgorithm = body.KeyAlgorithm is null ? KeyAlgorithm.EcdsaP256 : KeyAlgorithmText.Parse(body.KeyAlgorithm);
        var subject = DistinguishedName.Parse(body.SubjectDn);
        CaReference? parent = body switch
        {
            // Present but blank is a 404 (CaKey), never "no parent": an empty variable in a script must not make a new root.
            { ParentId: { } id } => CaKey.ById(id),
            { ParentName: { } parentName } => CaKey.ByName(parentName),
            _ => null,
        };

        var created = parent is null
            ? await authorities.CreateRootAsync(new CreateRootAuthorityRequest
            {
                Name = name,
                Organization = body.Organization,
                Subject = subject,
                KeyAlgorithm = keyAlgorithm,
                ValidityDays = body.ValidDays,
                PathLengthConstraint = body.PathLength,
                CrlDistributionPoint = urls.Crl(name),
                DeltaCrlDistributionPoint = urls.DeltaCrl(name),
                OcspResponder = urls.Ocsp(name),
                CaIssuers = urls.CaIssuers(name),
            }, cancellationToken)
            : await authorities.CreateIntermediateAsync(new CreateIntermediateAuthorityRequest
            {
                Name = name,
                Parent = parent,
                Organization = body.Organization,
                Subject = subject,
                KeyAlgorithm = keyAlgorithm,
                ValidityDays = body.ValidDays,
                PathLengthConstraint = body.PathLength,
                CrlDistributionPoint = urls.Crl(name),
                DeltaCrlDistributionPoint = urls.DeltaCrl(name),
                OcspResponder = urls.Ocsp(name),
                CaIssuers = urls.CaIssuers(name),
            }, cancellationToken);
        return Results.Json(AuthorityResponse.From(created), Json.SnakeCase, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(ICertificateAuthority authorities, CancellationToken cancellationToken)
    {
        var list = new List<AuthorityResponse>();
        string? after = null;
        while (true)
        {
            int count = 0;
            await foreach (var authority in authorities.ListAsync(new AuthorityQuery { After = after, Limit = 1000 }, cancellationToken))
            {
                count++;
                after = authority.Id;
                list.Add(AuthorityResponse.From(authority));
            }

            if (count < 1000)
            {
                break;
            }
        }

        return Results.Json(list, Json.SnakeCase);
    }

    private static async Task<IResult> GetAsync(string ca, ICertificateAuthority authorities, CancellationToken cancellationToken) =>
        Results.Json(AuthorityResponse.From(await authorities.GetAsync(CaKey.Parse(ca), cancellationToken)), Json.SnakeCase);

    private sealed record CreateBody(
        string? Name, string? SubjectDn, string? Organization, string? KeyAlgorithm, string? ParentId, string? ParentName, int? ValidDays, int? PathLength);
}

/// <summary>A CA in the certificates API (snake_case).</summary>
public sealed record AuthorityResponse(
    string Id,
    string Name,
    string? Organization,
    string? ParentId,
    bool IsRoot,
    string SubjectDn,
    string KeyAlgorithm,
    string SerialNumber,
    string NotBefore,
    string NotAfter,
    string Ski,
    string FingerprintSha256,
    int? PathLength,
    string Status,
    string? CrlUrl,
    string? DeltaCrlUrl,
    string? OcspUrl,
    string? CaIssuersUrl,
    string CreatedAt,
    string CertificatePem)
{
    /// <summary>Maps a library record.</summary>
    public static AuthorityResponse From(AuthorityRecord a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new(a.Id, a.Name, a.Organization, a.ParentId, a.IsRoot, a.Subject.ToString(), a.KeyAlgorithm.ToString(), a.SerialNumber.ToString(),
            Json.Instant(a.NotBefore), Json.Instant(a.NotAfter), a.SubjectKeyIdentifier, a.FingerprintSha256, a.PathLengthConstraint,
            a.Status == AuthorityStatus.Active ? "active" : "revoked", a.CrlDistributionPoint?.AbsoluteUri, a.DeltaCrlDistributionPoint?.AbsoluteUri,
            a.OcspResponder?.AbsoluteUri, a.CaIssuers?.AbsoluteUri, Json.Instant(a.CreatedAt), a.CertificatePem);
    }
}
