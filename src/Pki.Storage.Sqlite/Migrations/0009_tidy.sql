-- Contract: tidy (ICertificateStore.PurgeExpiredAsync, IRequestTokenStore.PurgeAsync, IRevocationStore.PurgeCrlsAsync).
-- Every saved CRL is kept in crl_history until tidy removes it once superseded; crls still holds the latest full and
-- delta CRL per CA, unchanged, so that a process of an older version keeps working on a migrated file.
CREATE TABLE crl_history (
    authority_id     TEXT    NOT NULL,
    is_delta         INTEGER NOT NULL CHECK (is_delta IN (0, 1)),
    number           INTEGER NOT NULL,
    base_crl_number  INTEGER NULL,
    this_update      INTEGER NOT NULL,
    next_update      INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    entry_count      INTEGER NOT NULL,
    der              BLOB    NOT NULL,
    PRIMARY KEY (authority_id, is_delta, number)
) STRICT;

INSERT INTO crl_history (authority_id, is_delta, number, base_crl_number, this_update, next_update, created_at, entry_count, der)
SELECT authority_id, is_delta, number, base_crl_number, this_update, next_update, created_at, entry_count, der FROM crls;

-- What tidy searches: old CRLs, finished tokens (unused ones by expiry use ix_request_tokens_state), and the certificates
-- still referencing an escrowed key (certificates by expiry use ix_certificates_expires / ix_certificates_status_expires).
CREATE INDEX ix_crl_history_next_update ON crl_history (next_update);
CREATE INDEX ix_request_tokens_redeemed ON request_tokens (state, redeemed_at);
CREATE INDEX ix_request_tokens_deleted ON request_tokens (state, deleted_at);
CREATE INDEX ix_certificates_private_key ON certificates (private_key_id) WHERE private_key_id IS NOT NULL;
