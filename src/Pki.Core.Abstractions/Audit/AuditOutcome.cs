namespace Pki.Core;

/// <summary>How an audited operation ended.</summary>
public enum AuditOutcome
{
    /// <summary>The change was made.</summary>
    Success = 1,

    /// <summary>The operation failed; nothing changed.</summary>
    Failure = 2,

    /// <summary>The caller was not allowed; nothing changed.</summary>
    Denied = 3,
}
