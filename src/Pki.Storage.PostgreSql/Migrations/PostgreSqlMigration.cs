namespace Pki.Storage.PostgreSql.Migrations;

/// <summary>One versioned schema change. Applied once, in its own transaction, in version order.</summary>
/// <param name="Version">The version (1, 2, …); never reused or changed once released.</param>
/// <param name="Name">A short description, stored in <c>pki_schema_migrations</c>.</param>
/// <param name="Sql">Builds the SQL for a database (table names qualified with its schema).</param>
internal sealed record PostgreSqlMigration(int Version, string Name, Func<PostgreSqlDatabase, string> Sql)
{
    /// <summary>Every migration, in version order. Append only.</summary>
    public static IReadOnlyList<PostgreSqlMigration> All { get; } =
    [
        new(1, "certificates", CertificatesMigration.Sql),
        new(2, "authorities", AuthoritiesMigration.Sql),
        new(3, "private keys", PrivateKeysMigration.Sql),
        new(4, "request tokens", RequestTokensMigration.Sql),
        new(5, "revocation", RevocationMigration.Sql),
        new(6, "audit", AuditMigration.Sql),
        new(7, "private key public-key hash", PrivateKeyPublicHashMigration.Sql),
        new(8, "tidy", TidyMigration.Sql),
        new(9, "issuer status check", IssuerStatusMigration.Sql),
        new(10, "status change sequence numbers", StatusChangeSequenceMigration.Sql),
        new(11, "status change numbering triggers", StatusChangeTriggerMigration.Sql),
        new(12, "authority delta CRL URL", AuthorityDeltaCrlMigration.Sql),
    ];
}
