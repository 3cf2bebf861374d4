namespace Pki.Core;

/// <summary>Roles a caller holds.</summary>
[Flags]
public enum PkiRoles
{
    /// <summary>No role: only the capabilities granted per CA apply.</summary>
    None = 0,

    /// <summary>Everything within the caller's own organization.</summary>
    Admin = 1,

    /// <summary>Everything, in every organization.</summary>
    Superuser = 2,
}
