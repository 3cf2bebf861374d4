-- Contract: IAuthorityStore (PQC). A CA's alternative (ML-DSA) key for hybrid certificates: its algorithm and reference.
ALTER TABLE authorities ADD COLUMN alternative_key_algorithm INTEGER NULL;
ALTER TABLE authorities ADD COLUMN alternative_key_id        TEXT    NULL;
