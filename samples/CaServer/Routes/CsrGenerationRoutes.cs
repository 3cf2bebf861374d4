using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pki.CaServer.Http;
using Pki.Core;

namespace Pki.CaServer.Routes;

/// <summary>
/// CSR generation (seed 002): the library generates the key, keeps it encrypted and returns the CSR; a certificate later
/// issued for that CSR (sign-csr) is married to the kept key, so GET …/private-key recovers it. PascalCase JSON.
/// </summary>
public static class CsrGenerationRoutes
{
    private static readonly JsonSerializerOptions PascalCase = new(JsonSerializerDefaults.General) { PropertyNameCaseInsensitive = true, AllowDuplicateProperties = false };

    /// <summary>Maps the route.</summary>
    public static void Map(IEndpointRouteBuilder app) => app.MapPost("/KeyfactorAPI/CSRGeneration/Generate", GenerateAsync);

    private static async Task<IResult> GenerateAsync(HttpRequest request, ICsrGenerator generator, CancellationToken cancellationToken)
    {
        var body = await Json.ReadBodyAsync<GenerateBody>(request, PascalCase, cancellationToken);
        if (body.AlternativeKeyType is not null)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, "CSRs with an alternative key are not supported; create a hybrid CA instead (see docs/pqc.md).");
        }

        var sans = body.SANs;
        var generated = await generator.GenerateAsync(new GenerateCsrRequest
        {
            Subject = DistinguishedName.Parse(body.Subject ?? throw new PkiException(PkiErrorCode.InvalidRequest, "Subject is required.")),
            Key = KeySpecification.Parse(body.KeyType, body.KeyLength, body.Curve),
            SubjectAlternativeNames = sans is null ? null : new SubjectAlternativeNames(
                sans.Dns,
                (sans.Ip ?? []).Concat(sans.Ip4 ?? []).Concat(sans.Ip6 ?? []).Select(ParseIp).ToList(),
                (sans.Email ?? []).Concat(sans.Rfc822 ?? []).ToList(),
                (sans.Uri ?? []).Select(ParseUri).ToList()),
            Profile = body.Template,
            EnrollmentPattern = body.EnrollmentPatternId?.ToString(),
        }, cancellationToken);
        return Results.Json(new GenerateResponse(generated.CsrPem, generated.PrivateKeyId), PascalCase);
    }

    private static IPAddress ParseIp(string text) =>
        IPAddress.TryParse(text, out var address) ? address : throw new PkiException(PkiErrorCode.InvalidSubjectAlternativeName, $"'{text}' is not an IP address.");

    private static Uri ParseUri(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : throw new PkiException(PkiErrorCode.InvalidSubjectAlternativeName, $"'{text}' is not an absolute URI.");

    /// <summary>The seed's request body.</summary>
    public sealed record GenerateBody(
        string? Subject,
        string? KeyType,
        int? KeyLength,
        string? Curve,
        GenerateSans? SANs,
        string? Template,
        JsonElement? EnrollmentPatternId,
        string? AlternativeKeyType);

    /// <summary>SANs per type, as arrays of strings (Keyfactor spells them dns, ip4, ip6, rfc822, uri).</summary>
    public sealed record GenerateSans(
        IReadOnlyList<string>? Dns,
        IReadOnlyList<string>? Ip,
        IReadOnlyList<string>? Ip4,
        IReadOnlyList<string>? Ip6,
        IReadOnlyList<string>? Email,
        IReadOnlyList<string>? Rfc822,
        IReadOnlyList<string>? Uri);

    /// <summary>The seed's response: the CSR text, plus the id of the kept key.</summary>
    public sealed record GenerateResponse([property: JsonPropertyName("CSR")] string Csr, [property: JsonPropertyName("KeyId")] string KeyId);
}
