namespace Pki.Core.Authorization;

/// <summary>
/// The <see cref="ICallerAccessor"/> the authorizer and the audit writer read: the host's caller, except inside
/// <see cref="RunAsSystem"/>, where it is <see cref="PkiCaller.System"/>. Only work the library starts by itself (the
/// background tidy service) enters that scope; nothing a caller asks for does. The host's caller is checked on every
/// read (<see cref="RequestText.CheckCaller"/>), so a subject or organization no store could record stops the operation
/// before it changes anything.
/// </summary>
internal sealed class ScopedCallerAccessor(ICallerAccessor host) : ICallerAccessor
{
    private static readonly AsyncLocal<bool> s_system = new();

    /// <exception cref="InvalidOperationException">The host's accessor returned no caller.</exception>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/>: the caller's subject or organization is malformed.</exception>
    public PkiCaller Caller
    {
        get
        {
            if (s_system.Value)
            {
                return PkiCaller.System;
            }

            var caller = host.Caller ?? throw new InvalidOperationException("The ICallerAccessor returned no caller. Register it as a singleton that reads the current request (see ICallerAccessor).");
            RequestText.CheckCaller(caller);
            return caller;
        }
    }

    /// <summary>Runs the current async flow as the system caller until the result is disposed.</summary>
    public static IDisposable RunAsSystem()
    {
        bool previous = s_system.Value;
        s_system.Value = true;
        return new Scope(previous);
    }

    private sealed class Scope(bool previous) : IDisposable
    {
        public void Dispose() => s_system.Value = previous;
    }
}
