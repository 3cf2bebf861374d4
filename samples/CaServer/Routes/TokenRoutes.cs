using System.Runtime.CompilerServices;
using Pki.CaServer.Http;
using Pki.CaServer.Security;
using Pki.Core;

namespace Pki.CaServer.Routes;

/// <summary>Certificate request tokens and their redemption (seed 000), camelCase JSON. <c>frontdoorId</c> names the CA.</summary>
public static class TokenRoutes
{
    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        var frontdoor = app.MapGroup("/frontdoor/{frontdoorId}");
        frontdoor.MapPost("/certificate-request-tokens", CreateAsync);
        frontdoor.MapGet("/certificate-request-tokens", ListAsync);
        frontdoor.MapGet("/certificate-request-tokens/{id}", GetAsync);
        frontdoor.MapDelete("/certificate-request-tokens/{id}", DeleteAsync);
        // No API key: the token is the credential.
        frontdoor.MapPost("/client-certificates/token/{token}", RedeemAsync).WithMetadata(new AllowAnonymousCallerAttribute());
    }

    private static async Task<IResult> CreateAsync(string frontdoorId, HttpRequest request, IRequestTokenService tokens, CancellationToken cancellationToken)
    {
        var body = await Json.ReadBodyAsync<CreateTokenBody>(request, Json.CamelCase, cancellationToken);
        var created = await tokens.CreateAsync(new CreateRequestTokenRequest
        {
            Name = body.Name ?? "",
            Authority = CaKey.Parse(frontdoorId),
            // Seed 000: the subject fields lock the CSR's "unless they're left blank": a blank one locks nothing.
            CommonName = Blank(body.CommonName),
            Organization = Blank(body.Organization),
            OrganizationalUnit = Blank(body.OrganizationalUnit),
            ValidYears = body.ValidYears,
            ValidityDays = body.ValidityDays,
            ExpiresAt = body.ExpiresAt,
        }, cancellationToken);
        var response = TokenResponse.From(created.Token, created.Secret);
        return Results.Json(response, Json.CamelCase, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Null for a field left blank (absent, empty or white space).</summary>
    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static async Task<IResult> ListAsync(string frontdoorId, ICertificateAuthority authorities, IRequestTokenService tokens, CancellationToken cancellationToken)
    {
        var authority = await authorities.GetAsync(CaKey.Parse(frontdoorId), cancellationToken);
        var list = new List<TokenResponse>();
        await foreach (var token in AllAsync(tokens, authority.Id, cancellationToken))
        {
            list.Add(TokenResponse.From(token, secret: null));
        }

        return Results.Json(list, Json.CamelCase);
    }

    private static async Task<IResult> GetAsync(string frontdoorId, string id, ICertificateAuthority authorities, IRequestTokenService tokens, CancellationToken cancellationToken)
    {
        var token = await FindAsync(frontdoorId, id, authorities, tokens, cancellationToken);
        return Results.Json(TokenResponse.From(token, secret: null), Json.CamelCase);
    }

    private static async Task<IResult> DeleteAsync(string frontdoorId, string id, ICertificateAuthority authorities, IRequestTokenService tokens, CancellationToken cancellationToken)
    {
        var token = await FindAsync(frontdoorId, id, authorities, tokens, cancellationToken);
        var deleted = await tokens.DeleteAsync(token.Id, cancellationToken);
        return Results.Json(TokenResponse.From(deleted, secret: null), Json.CamelCase);
    }

    private static async Task<IResult> RedeemAsync(string frontdoorId, string token, HttpRequest request, IRequestTokenService tokens, CancellationToken cancellationToken)
    {
        var body = await Json.ReadBodyAsync<CsrBody>(request, Json.CamelCase, cancellationToken);
        IssuedCertificate issued;
        try
        {
            issued = await tokens.RedeemAsync(new RedeemRequestTokenRequest
            {
                Secret = token,
                Csr = new CsrInput(body.Type ?? "", body.Value ?? ""),
                Authority = CaKey.Parse(frontdoorId), // a token redeems only under the frontdoor (CA) it was made for
            }, cancellationToken);
        }
        catch (PkiException e) when (e.Code is PkiErrorCode.TokenNotFound or PkiErrorCode.TokenExpired or PkiErrorCode.TokenAlreadyUsed or PkiErrorCode.TokenDeleted)
        {
            // The public redemption route answers all four alike, so nobody learns which secrets exist (IRequestTokenService
            // remarks); an administrator sees the token's state with GET …/certificate-request-tokens/{id}.
            throw new PkiException(PkiErrorCode.TokenNotFound, "The token was not found, has expired, was already used or was deleted.");
        }

        return Results.Json(RedeemedCertificate.From(issued), Json.CamelCase, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<RequestTokenRecord> FindAsync(
        string frontdoorId, string id, ICertificateAuthority authorities, IRequestTokenService tokens, CancellationToken cancellationToken)
    {
        var authority = await authorities.GetAsync(CaKey.Parse(frontdoorId), cancellationToken);
        var token = await tokens.GetAsync(id, cancellationToken);
        return token.Authority.Id == authority.Id
            ? token
            : throw new PkiException(PkiErrorCode.TokenNotFound, $"Token '{id}' does not exist for this frontdoor.");
    }

    private static async IAsyncEnumerable<RequestTokenRecord> AllAsync(
        IRequestTokenService tokens, string authorityId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? after = null;
        while (true)
        {
            int count = 0;
            await foreach (var token in tokens.ListAsync(new RequestTokenQuery { AuthorityId = authorityId, After = after, Limit = 1000 }, cancellationToken))
            {
                count++;
                after = token.Id;
                yield return token;
            }

            if (count < 1000)
            {
                yield break;
            }
        }
    }

    private sealed record CreateTokenBody(
        string? Name, string? CommonName, string? Organization, string? OrganizationalUnit, int? ValidYears, int? ValidityDays, DateTimeOffset? ExpiresAt);

    private sealed record CsrBody(string? Type, string? Value);

    /// <summary>A token as seed 000 shows it; <c>token</c> (the secret) only in the answer to its creation.</summary>
    private sealed record TokenResponse(
        string Id,
        string Name,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Token,
        string? CommonName,
        string? Organization,
        string? OrganizationalUnit,
        string ExpiresAt,
        string FrontdoorId,
        int? ValidityDays,
        string State,
        string CreatedAt,
        string? CertificateId)
    {
        /// <summary>Names the token without its secret (the compiler's record ToString would print <see cref="Token"/>).</summary>
        public override string ToString() => $"TokenResponse {{ Id = {Id}, Name = {Name}, FrontdoorId = {FrontdoorId}, State = {State}, Token = {(Token is null ? "none" : "[redacted]")} }}";

        public static TokenResponse From(RequestTokenRecord token, string? secret) => new(
            token.Id,
            token.Name,
            secret,
            token.CommonName,
            token.Organization,
            token.OrganizationalUnit,
            Json.Instant(token.ExpiresAt),
            token.Authority.Id,
            token.ValidityDays,
            token.State.ToString().ToLowerInvariant(),
            Json.Instant(token.CreatedAt),
            token.CertificateId);
    }

    /// <summary>The client certificate a redemption produced.</summary>
    private sealed record RedeemedCertificate(
        string Id,
        string? Name,
        string Certificate,
        string Chain,
        string? CommonName,
        string? Organization,
        string? OrganizationalUnit,
        string SerialNumber,
        string FingerprintSha256,
        string IssuedAt,
        string ExpiresAt,
        string FrontdoorId)
    {
        public static RedeemedCertificate From(IssuedCertificate issued)
        {
            var r = issued.Record;
            return new(r.Id, r.Name, r.CertificatePem, issued.ChainPem, r.CommonName, r.Organization, r.OrganizationalUnit,
                r.SerialNumberHex, r.FingerprintSha256, Json.Instant(r.IssuedOn), Json.Instant(r.ExpiresOn), r.CertificateAuthority.Id);
        }
    }
}
