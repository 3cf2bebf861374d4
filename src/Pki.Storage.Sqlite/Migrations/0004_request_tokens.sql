-- Contract: IRequestTokenStore. State: 0 unused, 1 used, 3 deleted (RequestTokenState); "expired" is computed from expires_at.
CREATE TABLE request_tokens (
    id                   TEXT    NOT NULL PRIMARY KEY,
    secret_hash          BLOB    NOT NULL, -- SHA-256 of the secret; the secret itself is never stored
    name                 TEXT    NOT NULL,
    authority_id         TEXT    NOT NULL,
    authority_name       TEXT    NOT NULL,
    common_name          TEXT    NULL,
    organization         TEXT    NULL,
    organizational_unit  TEXT    NULL,
    validity_days        INTEGER NULL,
    profile              TEXT    NOT NULL,
    owner_organization   TEXT    NULL,
    created_at           INTEGER NOT NULL,
    expires_at           INTEGER NOT NULL,
    state                INTEGER NOT NULL CHECK (state IN (0, 1, 3)),
    redeemed_at          INTEGER NULL,
    -- A redeemed token points at its certificate, which exists in the same commit (checked at commit time).
    certificate_id       TEXT    NULL REFERENCES certificates (id) DEFERRABLE INITIALLY DEFERRED,
    deleted_at           INTEGER NULL,
    CHECK (state <> 1 OR (certificate_id IS NOT NULL AND redeemed_at IS NOT NULL))
) STRICT;

CREATE UNIQUE INDEX ux_request_tokens_secret_hash ON request_tokens (secret_hash);
CREATE INDEX ix_request_tokens_authority ON request_tokens (authority_id, id);
CREATE INDEX ix_request_tokens_owner ON request_tokens (owner_organization, id);
CREATE INDEX ix_request_tokens_state ON request_tokens (state, expires_at);
CREATE INDEX ix_request_tokens_certificate ON request_tokens (certificate_id) WHERE certificate_id IS NOT NULL;
