namespace Pki.Core;

/// <summary>
/// Gives the current caller. The default returns <see cref="PkiCaller.System"/>; a host with users registers its own
/// (for example one that reads the API key of the current HTTP request).
/// </summary>
/// <remarks>
/// Register it as a <b>singleton</b> that finds the current request itself (through <c>IHttpContextAccessor</c> or an
/// <see cref="AsyncLocal{T}"/>), as the library's services are singletons and keep the accessor they were built with: a
/// scoped registration would be resolved once, from the root container. It must never return null (an
/// <see cref="InvalidOperationException"/> follows).
/// </remarks>
public interface ICallerAccessor
{
    /// <summary>The caller of the operation in progress.</summary>
    PkiCaller Caller { get; }
}
