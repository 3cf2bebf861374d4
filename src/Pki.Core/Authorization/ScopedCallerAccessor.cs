namespace Pki.Core.Authorization;

/// <summary>
/// The <see cref="ICallerAccessor"/> the authorizer and the audit writer read: the host's caller, except inside
/// <see cref="RunAsSystem"/>, where it is <see cref="PkiCaller.System"/>. Only work the library starts by itself (the
/// background tidy service) enters that scope; nothing a caller asks for does.
/// </summary>
internal sealed class ScopedCallerAccessor(ICallerAccessor host) : ICallerAccessor
{
    private static readonly AsyncLocal<bool> s_system = new();

    public PkiCaller Caller => s_system.Value ? PkiCaller.System : host.Caller;

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
