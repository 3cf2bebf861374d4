using System.Net;
using Microsoft.AspNetCore.Mvc;
using Pki.CaServer.Http;
using Pki.Core;

namespace Pki.CaServer.Routes;

/// <summary>The certificates API of seed 003 (snake_case, RFC 7807 errors): issue with a generated key, sign a CSR, list, get, revoke.</summary>
public static class CertificateRoutes
{
    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        var certificates = app.MapGroup("/api/v1/certificates");
        certificates.MapPost("/", IssueAsync);
        certificates.MapPost("/sign-csr", SignCsrAsync);
        certificates.MapGet("/", ListAsync);
        certificates.MapGet("/{id}", GetAsync);
        certificates.MapGet("/{id}/private-key", PrivateKeyAsync);
        certificates.MapPost("/{id}/revoke", RevokeAsync);
    }

    private static async Task<IResult> IssueAsync(
        [FromQuery(Name = "ca_id")] string? caId, HttpRequest request, ICertificateAuthority authorities, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(caId))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, "The ca_id query parameter is required.");
        }

        var body = await Json.ReadBodyAsync<IssueBody>(request, Json.SnakeCase, cancellationToken);
        if (string.Equals(body.CertificateType, CertificateProfiles.CertificateAuthority, StringComparison.OrdinalIgnoreCase))
        {
            // Seed 003 lists "ca" among the types; a CA's key stays with the library, so subordinate CAs have their own route.
            throw new PkiException(PkiErrorCode.InvalidRequest,
                "A CA certificate is not issued here: create a subordinate CA with POST /api/v1/cas/ (parent_id set), so that its key stays with the server.");
        }

        var issued = await authorities.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaKey.Parse(caId),
            Profile = body.CertificateType ?? "",
            CommonName = body.CommonName,
            Subject = body.SubjectDn is null ? null : DistinguishedName.Parse(body.SubjectDn),
            SubjectAlternativeNames = Sans(body.SanDnsNames, body.SanIpAddresses, body.SanEmailAddresses),
            ValidityDays = body.ValidDays,
            KeyAlgorithm = KeyAlgorithmOf(body.KeyAlgorithm, body.KeySize),
            IncludePrivateKey = body.IncludePrivateKey ?? true,
        }, cancellationToken);
        return Results.Json(CertificateResponse.From(issued.Record, issued), Json.SnakeCase, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> SignCsrAsync(HttpRequest request, ICsrSigner signer, CancellationToken cancellationToken)
    {
        var body = await Json.ReadBodyAsync(request, SnakeCaseJsonContext.Default.SignCsrBody, cancellationToken);
        var authority = body switch
        {
            { CaId: { } id } => CaKey.ById(id), // blank: 404, as documented
            { CaName: { } name } => CaKey.ByName(name),
            _ => throw new PkiException(PkiErrorCode.InvalidRequest, "ca_id or ca_name is required."),
        };
        var issued = await signer.SignAsync(new SignCsrRequest
        {
            Authority = authority,
            Profile = body.CertificateType ?? CertificateProfiles.Server,
            CsrPem = body.Csr ?? "",
            CommonName = body.CommonName,
            Subject = body.SubjectDn is null ? null : DistinguishedName.Parse(body.SubjectDn),
            SubjectAlternativeNames = Sans(body.SanDnsNames, body.SanIpAddresses, body.SanEmailAddresses),
            ValidityDays = body.ValidDays,
        }, cancellationToken);
        return Results.Json(CertificateResponse.From(issued.Record, issued), SnakeCaseJsonContext.Default.CertificateResponse, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(
        [FromQuery(Name = "ca_id")] string? caId, ICertificateAuthority authorities, CancellationToken cancellationToken)
    {
        string? authorityId = null;
        if (!string.IsNullOrWhiteSpace(caId))
        {
            authorityId = (await authorities.GetAsync(CaKey.Parse(caId), cancellationToken)).Id;
        }

        var list = new List<CertificateResponse>();
        string? after = null;
        while (true)
        {
            int count = 0;
            await foreach (var record in authorities.ListCertificatesAsync(new CertificateQuery { AuthorityId = authorityId, After = after, Limit = 1000 }, cancellationToken))
            {
                count++;
                after = record.Id;
                list.Add(CertificateResponse.From(record, null));
            }

            if (count < 1000)
            {
                break;
            }
        }

        return Results.Json(list, Json.SnakeCase);
    }

    private static async Task<IResult> GetAsync(string id, ICertificateAuthority authorities, CancellationToken cancellationToken) =>
        Results.Json(CertificateResponse.From(await authorities.GetCertificateAsync(id, cancellationToken), null), Json.SnakeCase);

    /// <summary>Seed 003 "View a Certificate with Private Key": the kept key as PKCS#8 PEM; the library checks export_private_key and audits.</summary>
    private static async Task<IResult> PrivateKeyAsync(string id, ICertificateAuthority authorities, IPrivateKeyExporter exporter, CancellationToken cancellationToken)
    {
        var exported = await exporter.ExportAsync(id, PrivateKeyExportFormat.Pkcs8Pem, password: null, cancellationToken);
        var record = await authorities.GetCertificateAsync(id, cancellationToken);
        return Results.Json(CertificateResponse.From(record, null) with { PrivateKeyPem = exported.Pem }, Json.SnakeCase);
    }

    private static async Task<IResult> RevokeAsync(string id, HttpRequest request, IRevocationService revocation, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            // CertificateReference.ById refuses a blank id with ArgumentException; like every lookup, it names no certificate.
            throw new PkiException(PkiErrorCode.CertificateNotFound, $"Certificate '{id}' does not exist.");
        }

        var body = await Json.ReadOptionalBodyAsync<RevokeBody>(request, Json.SnakeCase, cancellationToken) ?? new RevokeBody(null);
        var (reason, known) = RevocationReasons.Parse(body.Reason);
        var record = await revocation.RevokeAsync(new RevokeCertificateRequest
        {
            Certificate = CertificateReference.ById(id),
            Reason = reason,
            Comment = known ? null : body.Reason,
        }, cancellationToken);
        return Results.Json(CertificateResponse.From(record, null), Json.SnakeCase);
    }

    private static SubjectAlternativeNames? Sans(IReadOnlyList<string>? dns, IReadOnlyList<string>? ips, IReadOnlyList<string>? emails)
    {
        if (dns is null && ips is null && emails is null)
        {
            return null;
        }

        var addresses = new List<IPAddress>();
        foreach (string ip in ips ?? [])
        {
            addresses.Add(IPAddress.TryParse(ip, out var address)
                ? address
                : throw new PkiException(PkiErrorCode.InvalidSubjectAlternativeName, $"'{ip}' is not an IP address."));
        }

        return new SubjectAlternativeNames(dns, addresses, emails);
    }

    /// <summary>key_algorithm (a <see cref="KeyAlgorithm"/> name) wins; else key_size picks an RSA key (seed 003: "RSA key size in bits", default 2048).</summary>
    private static KeyAlgorithm KeyAlgorithmOf(string? algorithm, int? keySize)
    {
        if (algorithm is not null)
        {
            return KeyAlgorithmText.Parse(algorithm);
        }

        return keySize switch
        {
            null or 2048 => KeyAlgorithm.Rsa2048,
            3072 => KeyAlgorithm.Rsa3072,
            4096 => KeyAlgorithm.Rsa4096,
            _ => throw new PkiException(PkiErrorCode.InvalidRequest, "key_size must be 2048, 3072 or 4096."),
        };
    }

    private sealed record IssueBody(
        string? CommonName,
        string? SubjectDn,
        string? CertificateType,
        int? KeySize,
        string? KeyAlgorithm,
        int? ValidDays,
        bool? IncludePrivateKey,
        IReadOnlyList<string>? SanDnsNames,
        IReadOnlyList<string>? SanIpAddresses,
        IReadOnlyList<string>? SanEmailAddresses);

    /// <summary>The sign-csr body (seed 003).</summary>
    internal sealed record SignCsrBody(
        string? Csr,
        string? CertificateType,
        string? CaId,
        string? CaName,
        string? CommonName,
        string? SubjectDn,
        int? ValidDays,
        IReadOnlyList<string>? SanDnsNames,
        IReadOnlyList<string>? SanIpAddresses,
        IReadOnlyList<string>? SanEmailAddresses);

    private sealed record RevokeBody(string? Reason);
}

/// <summary>Human revocation reasons ("Key compromise") to RFC 5280 reason codes.</summary>
public static class RevocationReasons
{
    /// <summary>
    /// Matches the text against the reason names ignoring case, spaces, '-' and '_' ("Key compromise", "key_compromise",
    /// "keyCompromise" → KeyCompromise). Null or empty → Unspecified (known); anything else → Unspecified, not known, so the
    /// caller keeps the text as the revocation comment.
    /// </summary>
    public static (RevocationReason Reason, bool Known) Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (RevocationReason.Unspecified, true);
        }

        string wanted = Normalize(text);
        foreach (var reason in Enum.GetValues<RevocationReason>())
        {
            if (Normalize(reason.ToString()) == wanted)
            {
                return (reason, true);
            }
        }

        return (RevocationReason.Unspecified, false);
    }

    private static string Normalize(string text) =>
        string.Concat(text.Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant));
}

/// <summary>A certificate in the certificates API (snake_case).</summary>
public sealed record CertificateResponse(
    string Id,
    string CaId,
    string CaName,
    string? CommonName,
    string SubjectDn,
    string CertificateType,
    string Profile,
    string SerialNumber,
    string FingerprintSha256,
    string NotBefore,
    string NotAfter,
    int ValidDays,
    string Status,
    IReadOnlyList<string> SanDnsNames,
    IReadOnlyList<string> SanIpAddresses,
    IReadOnlyList<string> SanEmailAddresses,
    string SignatureAlgorithm,
    string KeyAlgorithm,
    int KeySize,
    string? Organization,
    string? RevokedAt,
    string? RevocationReason,
    string CertificatePem,
    string? ChainPem,
    string? PrivateKeyPem)
{
    /// <summary>Names the certificate without its private key (the compiler's record ToString would print <see cref="PrivateKeyPem"/>).</summary>
    public override string ToString() =>
        $"CertificateResponse {{ Id = {Id}, CaId = {CaId}, SubjectDn = {SubjectDn}, SerialNumber = {SerialNumber}, Status = {Status}, PrivateKeyPem = {(PrivateKeyPem is null ? "none" : "[redacted]")} }}";

    /// <summary>Maps a record; <paramref name="issued"/> adds the chain and, once, the generated private key.</summary>
    public static CertificateResponse From(CertificateRecord record, IssuedCertificate? issued)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(
            record.Id,
            record.CertificateAuthority.Id,
            record.CertificateAuthority.Name,
            record.CommonName,
            record.Subject.ToString(),
            TypeName(record.Type),
            record.Profile,
            record.SerialNumberHex,
            record.FingerprintSha256,
            Json.Instant(record.IssuedOn),
            Json.Instant(record.ExpiresOn),
            record.ValidityDays,
            StatusName(record.Status),
            record.SubjectAlternativeNames.DnsNames,
            [.. record.SubjectAlternativeNames.IpAddresses.Select(a => a.ToString())],
            record.SubjectAlternativeNames.EmailAddresses,
            record.SignatureAlgorithm,
            record.PublicKeyAlgorithm,
            record.PublicKeySize,
            record.OwnerOrganization,
            record.RevokedAt is { } at ? Json.Instant(at) : null,
            record.RevocationReason?.ToString(),
            record.CertificatePem,
            issued?.ChainPem,
            issued?.PrivateKeyPem);
    }

    /// <summary>server, client, dual, ca.</summary>
    public static string TypeName(CertificateType type) => type switch
    {
        Pki.Core.CertificateType.Server => "server",
        Pki.Core.CertificateType.Client => "client",
        Pki.Core.CertificateType.Dual => "dual",
        _ => "ca",
    };

    /// <summary>active, on_hold, revoked, pending_revocation, pending_reactivation.</summary>
    public static string StatusName(CertificateStatus status) => status switch
    {
        CertificateStatus.Active => "active",
        CertificateStatus.OnHold => "on_hold",
        CertificateStatus.Revoked => "revoked",
        CertificateStatus.PendingRevocation => "pending_revocation",
        _ => "pending_reactivation",
    };
}
