-- Contract: IPrivateKeyStore. Only the blob the engine encrypted ever reaches this table.
CREATE TABLE private_keys (
    id               TEXT    NOT NULL PRIMARY KEY,
    algorithm        INTEGER NOT NULL,
    protected_pkcs8  BLOB    NOT NULL,
    created_at       INTEGER NOT NULL
) STRICT;
