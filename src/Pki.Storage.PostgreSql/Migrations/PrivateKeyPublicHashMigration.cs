namespace Pki.Storage.PostgreSql.Migrations;

/// <summary>
/// Version 7: the SHA-256 of an escrowed key's SubjectPublicKeyInfo, so a certificate issued later for that key is
/// linked to it (empty for CA keys, which are never found by public key).
/// </summary>
internal static class PrivateKeyPublicHashMigration
{
    public static string Sql(PostgreSqlDatabase db) => $"""
        ALTER TABLE {db.Table("pki_private_keys")} ADD COLUMN subject_public_key_sha256 bytea NOT NULL DEFAULT ''::bytea;
        CREATE INDEX pki_private_keys_by_public_key ON {db.Table("pki_private_keys")} (subject_public_key_sha256, id)
            WHERE subject_public_key_sha256 <> ''::bytea;
        """;
}
