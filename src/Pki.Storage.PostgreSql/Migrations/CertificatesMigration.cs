namespace Pki.Storage.PostgreSql.Migrations;

/// <summary>Version 1: issued certificates (<see cref="Pki.Core.ICertificateStore"/>).</summary>
internal static class CertificatesMigration
{
    public static string Sql(PostgreSqlDatabase db) => $"""
        CREATE TABLE {db.Table("pki_certificates")} (
            id                     text COLLATE "C" PRIMARY KEY,
            authority_id           text COLLATE "C" NOT NULL,
            authority_name         text NOT NULL,
            certificate_pem        text NOT NULL,
            subject_oids           text[] NOT NULL,
            subject_values         text[] NOT NULL,
            san_dns                text[] NOT NULL,
            san_ip                 text[] NOT NULL,
            san_email              text[] NOT NULL,
            san_uri                text[] NOT NULL,
            csr                    text NULL,
            issued_on              bigint NOT NULL,
            expires_on             bigint NOT NULL,
            validity_days          integer NOT NULL,
            serial_number          bytea NOT NULL,
            fingerprint_sha256     text COLLATE "C" NOT NULL,
            subject_key_identifier text NOT NULL,
            signature_algorithm    text NOT NULL,
            type                   smallint NOT NULL,
            profile                text NOT NULL,
            public_key_algorithm   text NOT NULL,
            public_key_size        integer NOT NULL,
            owner_organization     text COLLATE "C" NULL,
            status                 smallint NOT NULL,
            revoked_at             bigint NULL,
            revocation_reason      smallint NULL,
            invalidity_date        bigint NULL,
            revocation_comment     text NULL,
            status_changed_at      bigint NULL,
            token_id               text NULL,
            name                   text NULL,
            private_key_id         text NULL,
            CONSTRAINT pki_certificates_serial_key UNIQUE (authority_id, serial_number),
            CONSTRAINT pki_certificates_subject_check CHECK (cardinality(subject_oids) = cardinality(subject_values))
        );
        CREATE INDEX pki_certificates_authority_idx ON {db.Table("pki_certificates")} (authority_id, id);
        CREATE INDEX pki_certificates_organization_idx ON {db.Table("pki_certificates")} (owner_organization, id);
        CREATE INDEX pki_certificates_status_idx ON {db.Table("pki_certificates")} (status, id);
        CREATE INDEX pki_certificates_expires_idx ON {db.Table("pki_certificates")} (expires_on);
        CREATE INDEX pki_certificates_status_expires_idx ON {db.Table("pki_certificates")} (status, expires_on);
        CREATE INDEX pki_certificates_serial_idx ON {db.Table("pki_certificates")} (serial_number);
        CREATE INDEX pki_certificates_fingerprint_idx ON {db.Table("pki_certificates")} (lower(fingerprint_sha256));
        """;
}
