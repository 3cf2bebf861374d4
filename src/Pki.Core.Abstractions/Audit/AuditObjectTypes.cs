namespace Pki.Core;

/// <summary>The object types audit events name (<see cref="AuditEvent.ObjectType"/>).</summary>
public static class AuditObjectTypes
{
    /// <summary>A certificate authority.</summary>
    public const string Authority = "authority";

    /// <summary>An issued certificate.</summary>
    public const string Certificate = "certificate";

    /// <summary>A certificate request token.</summary>
    public const string Token = "token";

    /// <summary>A private key.</summary>
    public const string Key = "key";

    /// <summary>A certificate revocation list.</summary>
    public const string Crl = "crl";

    /// <summary>The stores as a whole (tidy).</summary>
    public const string Storage = "storage";
}
