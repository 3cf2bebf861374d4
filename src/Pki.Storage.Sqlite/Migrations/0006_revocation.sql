-- Contract: IRevocationStore. The revocation fields of a certificate live on its row (status changes are one
-- conditional UPDATE); one CRL-number counter row per CA; the latest full and delta CRL per CA; delegated OCSP responders.
ALTER TABLE certificates ADD COLUMN revocation_reason  INTEGER NULL;
ALTER TABLE certificates ADD COLUMN invalidity_date    INTEGER NULL;
ALTER TABLE certificates ADD COLUMN revocation_comment TEXT    NULL;
ALTER TABLE certificates ADD COLUMN status_changed_at  INTEGER NULL;

CREATE TABLE crl_numbers (
    authority_id  TEXT    NOT NULL PRIMARY KEY,
    last_number   INTEGER NOT NULL CHECK (last_number >= 1)
) STRICT;

CREATE TABLE crls (
    authority_id     TEXT    NOT NULL,
    is_delta         INTEGER NOT NULL CHECK (is_delta IN (0, 1)),
    number           INTEGER NOT NULL,
    base_crl_number  INTEGER NULL,
    this_update      INTEGER NOT NULL,
    next_update      INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    entry_count      INTEGER NOT NULL,
    der              BLOB    NOT NULL,
    PRIMARY KEY (authority_id, is_delta)
) STRICT;

CREATE TABLE ocsp_responders (
    authority_id     TEXT    NOT NULL PRIMARY KEY,
    certificate_id   TEXT    NOT NULL,
    key_id           TEXT    NOT NULL,
    certificate_pem  TEXT    NOT NULL,
    not_after        INTEGER NOT NULL
) STRICT;

-- What CRL building and OCSP read: the CA's non-active certificates, and its recent status changes (delta CRLs).
CREATE INDEX ix_certificates_revoked ON certificates (authority_id, status) WHERE status <> 1;
CREATE INDEX ix_certificates_status_changed ON certificates (authority_id, status_changed_at) WHERE status_changed_at IS NOT NULL;
