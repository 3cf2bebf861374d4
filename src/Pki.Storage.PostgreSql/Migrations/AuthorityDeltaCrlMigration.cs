namespace Pki.Storage.PostgreSql.Migrations;

/// <summary>
/// Version 12: the URL of a CA's delta CRLs, written into the freshestCRL extension of what it issues and of its full
/// CRLs. Null for CAs made before it; adding a nullable column without a default rewrites no row.
/// </summary>
internal static class AuthorityDeltaCrlMigration
{
    public static string Sql(PostgreSqlDatabase db) => $"""
        ALTER TABLE {db.Table("pki_authorities")} ADD COLUMN delta_crl_distribution_point text NULL;
        """;
}
