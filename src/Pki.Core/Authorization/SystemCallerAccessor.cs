namespace Pki.Core.Authorization;

/// <summary>The default <see cref="ICallerAccessor"/>: every operation runs as the trusted <see cref="PkiCaller.System"/>.</summary>
internal sealed class SystemCallerAccessor : ICallerAccessor
{
    public PkiCaller Caller => PkiCaller.System;
}
