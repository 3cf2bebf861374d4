-- Status changes are numbered per CA (IRevocationStore.TryChangeStatusAsync), and each CRL records the last number it
-- reflects: delta CRLs, freshness checks and tidy compare numbers, not the clocks of the processes that made the changes.
-- The counter row is incremented in the change's transaction; SQLite has one writer at a time, so numbers become
-- visible in the order they are given.
ALTER TABLE certificates ADD COLUMN status_change_sequence INTEGER NULL;

CREATE TABLE status_change_counters (
    authority_id   TEXT    NOT NULL PRIMARY KEY,
    last_sequence  INTEGER NOT NULL CHECK (last_sequence >= 1)
) STRICT;

-- Changes made before this version get number 1, which no CRL made before it reflects (their changes_through is 0): the
-- next delta lists them again and the next freshness check makes a new CRL, which is harmless.
UPDATE certificates SET status_change_sequence = 1 WHERE status_changed_at IS NOT NULL;
INSERT INTO status_change_counters (authority_id, last_sequence)
    SELECT DISTINCT authority_id, 1 FROM certificates WHERE status_changed_at IS NOT NULL;

ALTER TABLE crls ADD COLUMN changes_through INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crl_history ADD COLUMN changes_through INTEGER NOT NULL DEFAULT 0;

-- What a delta CRL reads: the CA's changes numbered after its base's.
DROP INDEX ix_certificates_status_changed;
CREATE INDEX ix_certificates_status_change_sequence ON certificates (authority_id, status_change_sequence)
    WHERE status_change_sequence IS NOT NULL;
