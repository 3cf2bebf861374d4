namespace Pki.Core.Authorization.Governed;

/// <summary>The object types named in audit events.</summary>
internal static class AuditObjects
{
    public const string Authority = "authority";
    public const string Certificate = "certificate";
    public const string Token = "token";
    public const string Key = "key";
    public const string Crl = "crl";
    public const string Storage = "storage";
}
