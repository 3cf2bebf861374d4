-- Contract: IAuthorityStore. Dates are UTC ticks (INTEGER); enums are their numeric values.
CREATE TABLE authorities (
    id                      TEXT    NOT NULL PRIMARY KEY,
    name                    TEXT    NOT NULL,
    organization            TEXT    NULL,
    parent_id               TEXT    NULL,
    is_root                 INTEGER NOT NULL,
    subject                 TEXT    NOT NULL, -- JSON: [[oid, value], ...] in ASN.1 order
    certificate_pem         TEXT    NOT NULL,
    key_algorithm           INTEGER NOT NULL,
    key_id                  TEXT    NOT NULL,
    serial_number           BLOB    NOT NULL, -- DER INTEGER contents octets
    not_before              INTEGER NOT NULL,
    not_after               INTEGER NOT NULL,
    subject_key_identifier  TEXT    NOT NULL,
    fingerprint_sha256      TEXT    NOT NULL,
    path_length_constraint  INTEGER NULL,
    name_constraints        TEXT    NULL,     -- JSON
    status                  INTEGER NOT NULL,
    crl_distribution_point  TEXT    NULL,
    ocsp_responder          TEXT    NULL,
    ca_issuers              TEXT    NULL,
    created_at              INTEGER NOT NULL
) STRICT;

-- A name is unique within its organization; CAs without an organization share one namespace.
-- (Two partial indexes because NULLs are distinct in a plain unique index.)
CREATE UNIQUE INDEX ux_authorities_organization_name ON authorities (organization, name) WHERE organization IS NOT NULL;
CREATE UNIQUE INDEX ux_authorities_name_without_organization ON authorities (name) WHERE organization IS NULL;
CREATE INDEX ix_authorities_organization ON authorities (organization, id);
CREATE INDEX ix_authorities_parent ON authorities (parent_id, id);
