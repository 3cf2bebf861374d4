using Pki.Core;

namespace Pki.CaServer.Security;

/// <summary>
/// The library's <see cref="ICallerAccessor"/> over the current HTTP request: the caller the API-key middleware (or a
/// route group) put into <see cref="HttpContext.Items"/>, the anonymous caller when there is none, and an explicit
/// <see cref="RunAs"/> scope for work outside requests (the start-up bootstrap).
/// </summary>
public sealed class HttpCallerAccessor(IHttpContextAccessor http) : ICallerAccessor
{
    private static readonly object s_key = new();
    private static readonly AsyncLocal<PkiCaller?> s_scope = new();

    /// <summary>No API key: sees no CA, may only redeem tokens and read publications.</summary>
    public static PkiCaller Anonymous { get; } = new() { Subject = "anonymous" };

    /// <summary>The caller of the publication routes (CRL, delta CRL, OCSP, CA certificates): public documents.</summary>
    public static PkiCaller Publisher { get; } = new() { Subject = "publication", Roles = PkiRoles.Superuser };

    /// <inheritdoc />
    public PkiCaller Caller => s_scope.Value ?? (http.HttpContext?.Items[s_key] as PkiCaller) ?? Anonymous;

    /// <summary>Sets the caller of <paramref name="context"/>.</summary>
    public static void SetCaller(HttpContext context, PkiCaller caller) => context.Items[s_key] = caller;

    /// <summary>The caller set on <paramref name="context"/>, or null.</summary>
    public static PkiCaller? GetCaller(HttpContext context) => context.Items[s_key] as PkiCaller;

    /// <summary>Runs the current async flow as <paramref name="caller"/> until the result is disposed.</summary>
    public static IDisposable RunAs(PkiCaller caller)
    {
        var previous = s_scope.Value;
        s_scope.Value = caller;
        return new Scope(previous);
    }

    private sealed class Scope(PkiCaller? previous) : IDisposable
    {
        public void Dispose() => s_scope.Value = previous;
    }
}
