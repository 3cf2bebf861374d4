-- Contract: IPrivateKeyStore (key escrow). The SHA-256 of an escrowed key's SubjectPublicKeyInfo, so that a certificate
-- issued later for that key is linked to it; empty for CA keys, which are never found by public key.
ALTER TABLE private_keys ADD COLUMN subject_public_key_sha256 BLOB NOT NULL DEFAULT x'';

CREATE INDEX ix_private_keys_public_key ON private_keys (subject_public_key_sha256, id) WHERE subject_public_key_sha256 <> x'';
