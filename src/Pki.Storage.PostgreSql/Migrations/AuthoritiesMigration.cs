namespace Pki.Storage.PostgreSql.Migrations;

/// <summary>Version 2: certificate authorities (<see cref="Pki.Core.IAuthorityStore"/>).</summary>
internal static class AuthoritiesMigration
{
    // The name is unique within an organization, and among CAs without one: the unique index keys on
    // (organization IS NULL, coalesce(organization, ''), name), which works on every PostgreSQL version.
    public static string Sql(PostgreSqlDatabase db) => $"""
        CREATE TABLE {db.Table("pki_authorities")} (
            id                          text COLLATE "C" PRIMARY KEY,
            name                        text COLLATE "C" NOT NULL,
            organization                text COLLATE "C" NULL,
            parent_id                   text COLLATE "C" NULL,
            is_root                     boolean NOT NULL,
            subject_oids                text[] NOT NULL,
            subject_values              text[] NOT NULL,
            certificate_pem             text NOT NULL,
            key_algorithm               integer NOT NULL,
            key_id                      text NOT NULL,
            alternative_key_algorithm   integer NULL,
            alternative_key_id          text NULL,
            serial_number               bytea NOT NULL,
            not_before                  bigint NOT NULL,
            not_after                   bigint NOT NULL,
            subject_key_identifier      text NOT NULL,
            fingerprint_sha256          text NOT NULL,
            path_length_constraint      integer NULL,
            has_name_constraints        boolean NOT NULL,
            nc_permitted_dns            text[] NOT NULL,
            nc_excluded_dns             text[] NOT NULL,
            nc_permitted_ip             text[] NOT NULL,
            nc_excluded_ip              text[] NOT NULL,
            nc_permitted_email          text[] NOT NULL,
            nc_excluded_email           text[] NOT NULL,
            status                      smallint NOT NULL,
            crl_distribution_point      text NULL,
            ocsp_responder              text NULL,
            ca_issuers                  text NULL,
            created_at                  bigint NOT NULL,
            CONSTRAINT pki_authorities_subject_check CHECK (cardinality(subject_oids) = cardinality(subject_values))
        );
        CREATE UNIQUE INDEX pki_authorities_name_key ON {db.Table("pki_authorities")} ((organization IS NULL), coalesce(organization, ''), name);
        CREATE INDEX pki_authorities_organization_idx ON {db.Table("pki_authorities")} (organization, id);
        CREATE INDEX pki_authorities_parent_idx ON {db.Table("pki_authorities")} (parent_id, id);
        """;
}
