namespace Pki.Storage.PostgreSql.Migrations;

/// <summary>Version 3: encrypted private keys (<see cref="Pki.Core.IPrivateKeyStore"/>); the engine encrypts before the store sees a key.</summary>
internal static class PrivateKeysMigration
{
    public static string Sql(PostgreSqlDatabase db) => $"""
        CREATE TABLE {db.Table("pki_private_keys")} (
            id               text COLLATE "C" PRIMARY KEY,
            algorithm        integer NOT NULL,
            protected_pkcs8  bytea NOT NULL,
            created_at       bigint NOT NULL
        );
        """;
}
