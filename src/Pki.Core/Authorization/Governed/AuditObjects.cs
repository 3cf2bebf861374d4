namespace Pki.Core.Authorization.Governed;

/// <summary>The object types named in audit events (see <see cref="AuditObjectTypes"/>).</summary>
internal static class AuditObjects
{
    public const string Authority = AuditObjectTypes.Authority;
    public const string Certificate = AuditObjectTypes.Certificate;
    public const string Token = AuditObjectTypes.Token;
    public const string Key = AuditObjectTypes.Key;
    public const string Crl = AuditObjectTypes.Crl;
    public const string Storage = AuditObjectTypes.Storage;
}
