namespace Pki.Storage.PostgreSql.Migrations;

/// <summary>
/// Version 8: tidy. Every saved CRL is kept in <c>pki_crl_history</c> until tidy removes it once superseded;
/// <c>pki_crls</c> still holds the latest full and delta CRL per CA, unchanged, so hosts of an older version keep working.
/// Indexes for what tidy searches: old CRLs, finished tokens, the token and certificates referencing a certificate or key.
/// </summary>
internal static class TidyMigration
{
    public static string Sql(PostgreSqlDatabase db) => $"""
        CREATE TABLE {db.Table("pki_crl_history")} (
            authority_id     text COLLATE "C" NOT NULL,
            is_delta         boolean NOT NULL,
            number           bigint NOT NULL,
            base_crl_number  bigint NULL,
            this_update      bigint NOT NULL,
            next_update      bigint NOT NULL,
            created_at       bigint NOT NULL,
            entry_count      integer NOT NULL,
            der              bytea NOT NULL,
            PRIMARY KEY (authority_id, is_delta, number)
        );
        INSERT INTO {db.Table("pki_crl_history")} (authority_id, is_delta, number, base_crl_number, this_update, next_update, created_at, entry_count, der)
            SELECT authority_id, is_delta, number, base_crl_number, this_update, next_update, created_at, entry_count, der FROM {db.Table("pki_crls")};
        CREATE INDEX pki_crl_history_next_update_idx ON {db.Table("pki_crl_history")} (next_update);
        CREATE INDEX pki_request_tokens_redeemed_idx ON {db.Table("pki_request_tokens")} (state, redeemed_at);
        CREATE INDEX pki_request_tokens_deleted_idx ON {db.Table("pki_request_tokens")} (state, deleted_at);
        CREATE INDEX pki_request_tokens_certificate_idx ON {db.Table("pki_request_tokens")} (certificate_id) WHERE certificate_id IS NOT NULL;
        CREATE INDEX pki_certificates_private_key_idx ON {db.Table("pki_certificates")} (private_key_id) WHERE private_key_id IS NOT NULL;
        """;
}
