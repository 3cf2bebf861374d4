using System.Text.Json;
using Pki.Core;
using Pki.CaServer.Routes;

namespace Pki.CaServer.Http;

/// <summary>
/// Turns failures into answers: <see cref="PkiException"/> → the status of its code (<see cref="PkiErrorCodeExtensions.ToHttpStatusCode"/>),
/// <see cref="HttpProblemException"/> → its status, Kestrel's own limits (413) → their status, anything else → 500 with
/// no detail; an error the framework answered with no body (no route, a method the route does not take, a value that
/// does not bind) gets one. Bodies are RFC 7807 problems, except under <c>/zones</c>, which answer in the seed's envelope.
/// PkiException messages never carry secrets (see its remarks), so they are shown; no other message or stack trace is.
/// </summary>
public sealed partial class ErrorMiddleware(RequestDelegate next, ILogger<ErrorMiddleware> logger)
{
    /// <summary>Handles one request.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await next(context).ConfigureAwait(false);
            if (context.Response.StatusCode >= 400 && !context.Response.HasStarted && context.Response.ContentType is null && context.Response.ContentLength is null or 0)
            {
                // An error the framework answered without a body (no route 404, wrong method 405, a query or route value that
                // does not bind 400 outside Development) gets the same body as every other error.
                int status = context.Response.StatusCode;
                await WriteAsync(context, status, CodeName(status), ZoneCode(status), FrameworkMessage(status)).ConfigureAwait(false);
            }
        }
        catch (PkiException e) when (!context.Response.HasStarted)
        {
            // A server fault (KeyUnavailable: a stored key it cannot use) is the operator's to read, not the client's.
            bool serverFault = e.HttpStatusCode >= StatusCodes.Status500InternalServerError;
            if (serverFault)
            {
                LogUnhandled(logger, e, SafePath(context));
            }

            await WriteAsync(context, e.HttpStatusCode, e.Code.ToString(), (int)e.Code, serverFault ? "An internal error occurred." : e.Message).ConfigureAwait(false);
        }
        catch (HttpProblemException e) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, e.StatusCode, CodeName(e.StatusCode), ZoneCode(e.StatusCode), e.Message).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            // Kestrel's limits (body size → 413) and malformed requests.
            await WriteAsync(context, e.StatusCode, CodeName(e.StatusCode), ZoneCode(e.StatusCode), "The request was rejected.").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            LogUnhandled(logger, e, SafePath(context));
            await WriteAsync(context, StatusCodes.Status500InternalServerError, "InternalError", 500, "An internal error occurred.").ConfigureAwait(false);
        }
    }

    private static Task WriteAsync(HttpContext context, int status, string code, int zoneCode, string message)
    {
        var allow = context.Response.Headers.Allow; // a 405 must say which methods the resource takes (RFC 9110 section 15.5.6)
        context.Response.Clear();
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status405MethodNotAllowed && allow.Count > 0)
        {
            context.Response.Headers.Allow = allow;
        }

        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        if (context.Request.Path.StartsWithSegments("/zones", StringComparison.OrdinalIgnoreCase)) // as routing matches it
        {
            return context.Response.WriteAsJsonAsync(Envelope.Failure(zoneCode, message), Json.SnakeCase, context.RequestAborted);
        }

        var problem = new Problem(
            $"https://pki-core.example/problems/{code}",
            ReasonPhrase(status),
            status,
            message,
            code,
            SafePath(context));
        return context.Response.WriteAsJsonAsync(problem, s_problemOptions, "application/problem+json", context.RequestAborted);
    }

    private static readonly JsonSerializerOptions s_problemOptions = new(JsonSerializerDefaults.Web);

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";

    private static string FrameworkMessage(int status) => status switch
    {
        StatusCodes.Status404NotFound => "No route matches this path.",
        StatusCodes.Status405MethodNotAllowed => "This route does not accept this method.",
        _ => "The request was rejected.",
    };

    /// <summary>
    /// The request path for problem bodies and logs, without the request-token secret: on the public redemption route
    /// (<c>…/client-certificates/token/{token}</c>) the path carries the credential, so everything after <c>token/</c>
    /// becomes <c>{token}</c>.
    /// </summary>
    private static string SafePath(HttpContext context)
    {
        // By the path itself, not the route values: a request that matched no route (a wrong method, a trailing slash
        // or more segments after the secret) carries the secret too.
        const string Redemption = "/client-certificates/token/";
        string path = context.Request.Path.Value ?? "";
        int at = path.IndexOf(Redemption, StringComparison.OrdinalIgnoreCase);
        return at < 0 ? path : string.Concat(path.AsSpan(0, at + Redemption.Length), "{token}");
    }

    private static string CodeName(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "Unauthorized",
        StatusCodes.Status403Forbidden => nameof(PkiErrorCode.Forbidden),
        StatusCodes.Status404NotFound => "NotFound",
        StatusCodes.Status405MethodNotAllowed => "MethodNotAllowed",
        StatusCodes.Status413PayloadTooLarge => nameof(PkiErrorCode.InputTooLarge),
        StatusCodes.Status501NotImplemented => "NotImplemented",
        _ => nameof(PkiErrorCode.InvalidRequest),
    };

    /// <summary>The numeric error code of the zone envelope: the library's codes where one fits (1000 = invalid request, as in the seed).</summary>
    private static int ZoneCode(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => 10000,
        StatusCodes.Status403Forbidden => (int)PkiErrorCode.Forbidden,
        StatusCodes.Status413PayloadTooLarge => (int)PkiErrorCode.InputTooLarge,
        _ => (int)PkiErrorCode.InvalidRequest,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string path);

    /// <summary>An RFC 7807 problem with the library's error code.</summary>
    private sealed record Problem(string Type, string Title, int Status, string Detail, string Code, string? Instance);
}
