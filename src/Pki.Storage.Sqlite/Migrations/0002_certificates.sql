-- Contract: ICertificateStore. Query columns are real columns; the rest round-trips exactly (subject and SANs as JSON).
CREATE TABLE certificates (
    id                         TEXT    NOT NULL PRIMARY KEY,
    authority_id               TEXT    NOT NULL,
    authority_name             TEXT    NOT NULL,
    serial_number              BLOB    NOT NULL, -- DER INTEGER contents octets
    fingerprint_sha256         TEXT    NOT NULL,
    owner_organization         TEXT    NULL,
    status                     INTEGER NOT NULL,
    type                       INTEGER NOT NULL,
    issued_on                  INTEGER NOT NULL,
    expires_on                 INTEGER NOT NULL,
    revoked_at                 INTEGER NULL,
    token_id                   TEXT    NULL,
    name                       TEXT    NULL,
    private_key_id             TEXT    NULL,
    subject                    TEXT    NOT NULL, -- JSON: [[oid, value], ...] in ASN.1 order
    subject_alternative_names  TEXT    NOT NULL, -- JSON: {"dns": [...], "ip": [...], "email": [...], "uri": [...]}
    certificate_pem            TEXT    NOT NULL,
    csr                        TEXT    NULL,
    validity_days              INTEGER NOT NULL,
    subject_key_identifier     TEXT    NOT NULL,
    signature_algorithm        TEXT    NOT NULL,
    profile                    TEXT    NOT NULL,
    public_key_algorithm       TEXT    NOT NULL,
    public_key_size            INTEGER NOT NULL
) STRICT;

-- The guarantee: serial numbers are unique per CA (DuplicateSerialNumber).
CREATE UNIQUE INDEX ux_certificates_authority_serial ON certificates (authority_id, serial_number);
-- Query paths: every filter is followed by id so that keyset paging (id > @after ORDER BY id) reads the index in order.
CREATE INDEX ix_certificates_authority ON certificates (authority_id, id);
CREATE INDEX ix_certificates_organization ON certificates (owner_organization, id);
CREATE INDEX ix_certificates_status ON certificates (status, id);
CREATE INDEX ix_certificates_status_expires ON certificates (status, expires_on);
CREATE INDEX ix_certificates_expires ON certificates (expires_on);
CREATE INDEX ix_certificates_serial ON certificates (serial_number);
CREATE INDEX ix_certificates_fingerprint ON certificates (lower(fingerprint_sha256));
