namespace Pki.Core;

/// <summary>Whether a CA may issue.</summary>
public enum AuthorityStatus
{
    /// <summary>The CA issues certificates.</summary>
    Active = 1,

    /// <summary>The CA certificate has been revoked; it issues nothing.</summary>
    Revoked = 2,
}
