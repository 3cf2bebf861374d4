namespace Pki.Storage.PostgreSql.Migrations;

/// <summary>Version 4: request tokens (<see cref="Pki.Core.IRequestTokenStore"/>); only the SHA-256 of a secret is stored.</summary>
internal static class RequestTokensMigration
{
    public static string Sql(PostgreSqlDatabase db) => $"""
        CREATE TABLE {db.Table("pki_request_tokens")} (
            id                   text COLLATE "C" PRIMARY KEY,
            name                 text NOT NULL,
            authority_id         text COLLATE "C" NOT NULL,
            authority_name       text NOT NULL,
            common_name          text NULL,
            organization         text NULL,
            organizational_unit  text NULL,
            validity_days        integer NULL,
            profile              text NOT NULL,
            owner_organization   text COLLATE "C" NULL,
            created_at           bigint NOT NULL,
            expires_at           bigint NOT NULL,
            state                smallint NOT NULL,
            redeemed_at          bigint NULL,
            certificate_id       text NULL,
            deleted_at           bigint NULL,
            secret_hash          bytea NOT NULL,
            CONSTRAINT pki_request_tokens_hash_key UNIQUE (secret_hash)
        );
        CREATE INDEX pki_request_tokens_authority_idx ON {db.Table("pki_request_tokens")} (authority_id, id);
        CREATE INDEX pki_request_tokens_organization_idx ON {db.Table("pki_request_tokens")} (owner_organization, id);
        CREATE INDEX pki_request_tokens_state_idx ON {db.Table("pki_request_tokens")} (state, expires_at);
        """;
}
