using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Pki.CaServer.Hosting;
using Pki.CaServer.Http;
using Pki.CaServer.Security;
using Pki.Core;

namespace Pki.CaServer.Routes;

/// <summary>
/// The mTLS demonstration (the API-shield use case of seed 001): <c>GET /mtls/hello</c> on the HTTPS listener answers 200
/// only to a client certificate that chains to this server's root through its issuing CA and whose status in the library
/// is active. A zone DELETE (hold) makes it 403; a PATCH (reactivate) makes it 200 again — no CRL caching in between.
/// Every refusal is 403, no client certificate included: the route never answers 401, so never a Bearer challenge.
/// </summary>
public static class MtlsRoutes
{
    private static readonly Oid s_clientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>Maps the route.</summary>
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/mtls/hello", HelloAsync)
            .WithMetadata(new AllowAnonymousCallerAttribute())
            .AddEndpointFilter((context, next) =>
            {
                HttpCallerAccessor.SetCaller(context.HttpContext, HttpCallerAccessor.Publisher);
                return next(context);
            });

    private static async Task<IResult> HelloAsync(HttpContext context, CaServerState state, IRevocationService revocation, CancellationToken cancellationToken)
    {
        if (!context.Request.IsHttps)
        {
            throw new HttpProblemException(StatusCodes.Status403Forbidden, "Use the HTTPS listener with a client certificate.");
        }

        // No certificate is 403, as ASP.NET Core's certificate authentication handler answers a challenge: the certificate
        // belongs to the TLS handshake, which an HTTP answer cannot ask for again, and no HTTP authentication scheme names
        // it. A 401 must carry a WWW-Authenticate challenge the client can answer (RFC 9110 section 15.5.2); the only
        // scheme this server knows, Bearer, would send the client looking for an API key that does not help here.
        using var client = await context.Connection.GetClientCertificateAsync(cancellationToken);
        if (client is null)
        {
            throw new HttpProblemException(StatusCodes.Status403Forbidden, "A client certificate issued by this server's CA is required; present one in the TLS handshake.");
        }

        await state.Ready.WaitAsync(cancellationToken);
        if (!IssuedByOurCa(client, state))
        {
            throw new HttpProblemException(StatusCodes.Status403Forbidden, "The client certificate was not issued by this server's CA.");
        }

        CertificateRecord record;
        try
        {
            record = await revocation.GetStatusAsync(
                CertificateReference.BySerialNumber(CaReference.ById(state.IssuingId), SerialNumber.FromBytes(client.SerialNumberBytes.Span)),
                cancellationToken);
        }
        catch (PkiException e) when (e.Code == PkiErrorCode.CertificateNotFound)
        {
            throw new HttpProblemException(StatusCodes.Status403Forbidden, "The client certificate is unknown to this CA.");
        }

        if (record.Status != CertificateStatus.Active)
        {
            throw new HttpProblemException(StatusCodes.Status403Forbidden, $"The client certificate is {CertificateResponse.StatusName(record.Status)}.");
        }

        return Results.Json(new { message = "hello", subject = record.Subject.ToString(), serial_number = record.SerialNumberHex, status = "active" });
    }

    /// <summary>The chain: client → issuing CA → root, clientAuth, validity; revocation is the library's status, checked after.</summary>
    private static bool IssuedByOurCa(X509Certificate2 client, CaServerState state)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(state.RootCertificate!);
        chain.ChainPolicy.ExtraStore.ImportFromPem(state.IssuingChainPem);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(s_clientAuth);
        if (!chain.Build(client) || chain.ChainElements.Count < 2)
        {
            return false;
        }

        using var issuing = X509Certificate2.CreateFromPem(state.IssuingChainPem);
        return chain.ChainElements[1].Certificate.RawDataMemory.Span.SequenceEqual(issuing.RawDataMemory.Span);
    }
}
