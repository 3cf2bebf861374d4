namespace Pki.Core;

/// <summary>
/// Who is asking: a subject, the organization they belong to, their roles and their capabilities per CA. A host
/// resolves it per request through <see cref="ICallerAccessor"/> (like <c>IHttpContextAccessor</c>).
/// </summary>
public sealed record PkiCaller
{
    /// <summary>The trusted system caller, for hosts without users: may do everything.</summary>
    public static PkiCaller System { get; } = new() { Subject = "system", Roles = PkiRoles.Superuser };

    /// <summary>The caller's identifier as the host knows it (a user name, an API key id); recorded in audit events.</summary>
    public required string Subject { get; init; }

    /// <summary>The caller's organization, or null.</summary>
    public string? Organization { get; init; }

    /// <summary>The caller's roles.</summary>
    public PkiRoles Roles { get; init; }

    /// <summary>Capabilities per CA id.</summary>
    public IReadOnlyDictionary<string, PkiCapabilities> Capabilities { get; init; } = new Dictionary<string, PkiCapabilities>();

    /// <summary>True for <see cref="System"/> itself only: not for a copy made with <c>with</c>, whatever it changes.</summary>
    public bool IsSystem => ReferenceEquals(this, System);

    /// <summary>True for superusers and the system caller.</summary>
    public bool IsSuperuser => Roles.HasFlag(PkiRoles.Superuser);

    /// <summary>The capabilities the caller holds on CA <paramref name="authorityId"/>.</summary>
    public PkiCapabilities CapabilitiesOn(string authorityId) =>
        Capabilities.TryGetValue(authorityId, out var capabilities) ? capabilities : PkiCapabilities.None;
}
