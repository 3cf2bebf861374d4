namespace Pki.Storage.PostgreSql.Migrations;

/// <summary>
/// Version 5: revocation (<see cref="Pki.Core.IRevocationStore"/>): one CRL-number counter row per CA, the latest full
/// and delta CRL per CA, delegated OCSP responders, and the certificate indexes CRL building reads.
/// </summary>
internal static class RevocationMigration
{
    public static string Sql(PostgreSqlDatabase db) => $"""
        CREATE TABLE {db.Table("pki_crl_numbers")} (
            authority_id  text COLLATE "C" PRIMARY KEY,
            last_number   bigint NOT NULL CHECK (last_number >= 1)
        );
        CREATE TABLE {db.Table("pki_crls")} (
            authority_id     text COLLATE "C" NOT NULL,
            is_delta         boolean NOT NULL,
            number           bigint NOT NULL,
            base_crl_number  bigint NULL,
            this_update      bigint NOT NULL,
            next_update      bigint NOT NULL,
            created_at       bigint NOT NULL,
            entry_count      integer NOT NULL,
            der              bytea NOT NULL,
            PRIMARY KEY (authority_id, is_delta)
        );
        CREATE TABLE {db.Table("pki_ocsp_responders")} (
            authority_id     text COLLATE "C" PRIMARY KEY,
            certificate_id   text NOT NULL,
            key_id           text NOT NULL,
            certificate_pem  text NOT NULL,
            not_after        bigint NOT NULL
        );
        CREATE INDEX pki_certificates_revoked_idx ON {db.Table("pki_certificates")} (authority_id, status) WHERE status <> 1;
        CREATE INDEX pki_certificates_status_changed_idx ON {db.Table("pki_certificates")} (authority_id, status_changed_at) WHERE status_changed_at IS NOT NULL;
        """;
}
