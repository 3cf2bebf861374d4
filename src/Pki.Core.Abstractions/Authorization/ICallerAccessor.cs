namespace Pki.Core;

/// <summary>
/// Gives the current caller. The default returns <see cref="PkiCaller.System"/>; a host with users registers its own
/// (for example one that reads the API key of the current HTTP request).
/// </summary>
public interface ICallerAccessor
{
    /// <summary>The caller of the operation in progress.</summary>
    PkiCaller Caller { get; }
}
