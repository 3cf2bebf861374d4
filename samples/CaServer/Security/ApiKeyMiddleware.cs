using Pki.CaServer.Http;

namespace Pki.CaServer.Security;

/// <summary>Marks an endpoint that works without an API key (token redemption, publication, the mTLS demonstration).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class AllowAnonymousCallerAttribute : Attribute;

/// <summary>
/// Resolves <c>Authorization: Bearer …</c> to a caller. A key that matches nothing is 401 everywhere; no key is 401
/// except on endpoints marked <see cref="AllowAnonymousCallerAttribute"/>, which run as the anonymous caller.
/// What a caller may do is decided by the library, never here.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyRegistry keys)
{
    /// <summary>The display name ASP.NET Core routing gives the endpoint that answers 405 when a path matches but the method does not.</summary>
    private const string MethodNotAllowedEndpoint = "405 HTTP Method Not Supported";

    /// <summary>Handles one request.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var endpoint = context.GetEndpoint();
        if (endpoint is null)
        {
            return next(context);
        }

        string? header = context.Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            if (endpoint.DisplayName == MethodNotAllowedEndpoint)
            {
                return next(context); // routing's own 405 answer: it runs nothing and tells nothing about the caller
            }

            if (endpoint.Metadata.GetMetadata<AllowAnonymousCallerAttribute>() is null)
            {
                throw new HttpProblemException(StatusCodes.Status401Unauthorized, "An API key is required: an Authorization header with the Bearer scheme.");
            }

            HttpCallerAccessor.SetCaller(context, HttpCallerAccessor.Anonymous);
            return next(context);
        }

        const string scheme = "Bearer ";
        var caller = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? keys.Find(header[scheme.Length..].Trim()) : null;
        if (caller is null)
        {
            throw new HttpProblemException(StatusCodes.Status401Unauthorized, "The API key is not valid.");
        }

        HttpCallerAccessor.SetCaller(context, caller);
        return next(context);
    }
}
