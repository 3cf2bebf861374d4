using Microsoft.AspNetCore.Mvc;
using Pki.CaServer.Http;
using Pki.Core;

namespace Pki.CaServer.Routes;

/// <summary>
/// The zone client-certificate API (seeds 001/004): snake_case JSON in the <c>{errors, messages, success, result}</c>
/// envelope. <c>zone_id</c> names the CA. DELETE puts a certificate on hold (certificateHold) and PATCH reactivates it.
/// </summary>
public static class ZoneRoutes
{
    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        var zone = app.MapGroup("/zones/{zoneId}/client_certificates");
        zone.MapGet("", ListAsync);
        zone.MapPost("", CreateAsync);
        zone.MapGet("/{id}", GetAsync);
        zone.MapPatch("/{id}", ReactivateAsync);
        zone.MapDelete("/{id}", HoldAsync);
    }

    private static async Task<IResult> ListAsync(
        string zoneId,
        [FromQuery(Name = "page")] int? page,
        [FromQuery(Name = "per_page")] int? perPage,
        ICertificateAuthority authorities,
        CancellationToken cancellationToken)
    {
        int pageNumber = page ?? 1;
        int size = perPage ?? 20;
        if (pageNumber < 1 || size is < 1 or > 1000)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, "page must be at least 1 and per_page 1 to 1000.");
        }

        var authority = await authorities.GetAsync(CaKey.Parse(zoneId), cancellationToken);
        var all = new List<CertificateRecord>();
        string? after = null;
        while (true)
        {
            int count = 0;
            var query = new CertificateQuery { AuthorityId = authority.Id, Type = CertificateType.Client, After = after, Limit = 1000 };
            await foreach (var record in authorities.ListCertificatesAsync(query, cancellationToken))
            {
                count++;
                after = record.Id;
                all.Add(record);
            }

            if (count < 1000)
            {
                break;
            }
        }

        long skip = (long)(pageNumber - 1) * size; // (page - 1) * per_page overflows int for a large page
        var slice = skip >= all.Count ? [] : all.Skip((int)skip).Take(size).Select(ClientCertificate.From).ToList();
        return Results.Json(Envelope.Success(slice, new ResultInfo(pageNumber, size, slice.Count, all.Count)), Json.SnakeCase);
    }

    private static async Task<IResult> CreateAsync(string zoneId, HttpRequest request, ICsrSigner signer, CancellationToken cancellationToken)
    {
        var body = await Json.ReadBodyAsync<CreateBody>(request, Json.SnakeCase, cancellationToken);
        var issued = await signer.SignAsync(new SignCsrRequest
        {
            Authority = CaKey.Parse(zoneId),
            Profile = CertificateProfiles.Client,
            CsrPem = body.Csr ?? "",
            ValidityDays = body.ValidityDays,
        }, cancellationToken);
        return Results.Json(Envelope.Success(ClientCertificate.From(issued.Record)), Json.SnakeCase);
    }

    private static async Task<IResult> GetAsync(string zoneId, string id, ICertificateAuthority authorities, CancellationToken cancellationToken)
    {
        var record = await FindAsync(zoneId, id, authorities, cancellationToken);
        return Results.Json(Envelope.Success(ClientCertificate.From(record)), Json.SnakeCase);
    }

    private static async Task<IResult> HoldAsync(
        string zoneId, string id, ICertificateAuthority authorities, IRevocationService revocation, CancellationToken cancellationToken)
    {
        var record = await FindAsync(zoneId, id, authorities, cancellationToken);
        var held = await revocation.RevokeAsync(new RevokeCertificateRequest
        {
            Certificate = CertificateReference.ById(record.Id),
            Reason = RevocationReason.CertificateHold,
        }, cancellationToken);
        return Results.Json(Envelope.Success(ClientCertificate.From(held)), Json.SnakeCase);
    }

    private static async Task<IResult> ReactivateAsync(
        string zoneId, string id, ICertificateAuthority authorities, IRevocationService revocation, CancellationToken cancellationToken)
    {
        var record = await FindAsync(zoneId, id, authorities, cancellationToken);
        var active = await revocation.ReactivateAsync(CertificateReference.ById(record.Id), cancellationToken);
        return Results.Json(Envelope.Success(ClientCertificate.From(active)), Json.SnakeCase);
    }

    private static async Task<CertificateRecord> FindAsync(string zoneId, string id, ICertificateAuthority authorities, CancellationToken cancellationToken)
    {
        var authority = await authorities.GetAsync(CaKey.Parse(zoneId), cancellationToken);
        var record = await authorities.GetCertificateAsync(id, cancellationToken);
        // A zone holds its CA's client certificates only (as its list shows): other certificates of the CA are not here.
        return record.CertificateAuthority.Id == authority.Id && record.Type == CertificateType.Client
            ? record
            : throw new PkiException(PkiErrorCode.CertificateNotFound, $"Certificate '{id}' does not exist in this zone.");
    }

    private sealed record CreateBody(string? Csr, int? ValidityDays);
}

/// <summary>The ClientCertificate model of seeds 001/004, field for field.</summary>
public sealed record ClientCertificate(
    string Id,
    string Certificate,
    CertificateAuthorityRef CertificateAuthority,
    string? CommonName,
    string? Country,
    string? Csr,
    string ExpiresOn,
    string FingerprintSha256,
    string IssuedOn,
    string? Location,
    string? Organization,
    string? OrganizationalUnit,
    string SerialNumber,
    string Signature,
    string Ski,
    string? State,
    string Status,
    int ValidityDays)
{
    /// <summary>Maps a library record.</summary>
    public static ClientCertificate From(CertificateRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(
            record.Id,
            record.CertificatePem,
            new CertificateAuthorityRef(record.CertificateAuthority.Id, record.CertificateAuthority.Name),
            record.CommonName,
            record.Country,
            record.Csr,
            Json.Instant(record.ExpiresOn),
            record.FingerprintSha256,
            Json.Instant(record.IssuedOn),
            record.Location,
            record.Organization,
            record.OrganizationalUnit,
            record.SerialNumberHex,
            record.SignatureAlgorithm,
            record.SubjectKeyIdentifier,
            record.State,
            ZoneStatus(record.Status),
            record.ValidityDays);
    }

    /// <summary>
    /// The seed's four statuses. On hold (certificateHold, reversible) and revoked for good are both <c>revoked</c>: the
    /// certificate is on the CRL and OCSP answers revoked either way; PATCH succeeds only from hold. The difference is visible
    /// in <c>GET /api/v1/certificates/{id}</c> (<c>on_hold</c> / <c>revoked</c>) and in the CRL entry's reason.
    /// </summary>
    public static string ZoneStatus(CertificateStatus status) => status switch
    {
        CertificateStatus.Active => "active",
        CertificateStatus.PendingRevocation => "pending_revocation",
        CertificateStatus.PendingReactivation => "pending_reactivation",
        _ => "revoked",
    };
}

/// <summary>The <c>certificate_authority</c> object: id and name.</summary>
public sealed record CertificateAuthorityRef(string Id, string Name);
