-- Status changes are numbered by triggers, so that every write is numbered whoever makes it: this version's stores, and a
-- process of a version before 0011 still running on this file (its UPDATE carries no number). SQLite has one writer at a
-- time, so a number is visible only with its change, in the order numbers are given.
CREATE TRIGGER tr_certificates_status_changed AFTER UPDATE OF status, status_changed_at ON certificates
    WHEN NEW.status_change_sequence IS OLD.status_change_sequence
        AND (NEW.status IS NOT OLD.status OR NEW.status_changed_at IS NOT OLD.status_changed_at)
BEGIN
    INSERT INTO status_change_counters (authority_id, last_sequence) VALUES (NEW.authority_id, 1)
        ON CONFLICT (authority_id) DO UPDATE SET last_sequence = status_change_counters.last_sequence + 1;
    UPDATE certificates SET status_change_sequence =
        (SELECT last_sequence FROM status_change_counters WHERE authority_id = NEW.authority_id) WHERE id = NEW.id;
END;

-- A record stored with a status history (an import: not active, or a status change time): numbered as a change.
CREATE TRIGGER tr_certificates_stored_with_history AFTER INSERT ON certificates
    WHEN NEW.status_change_sequence IS NULL AND (NEW.status <> 1 OR NEW.status_changed_at IS NOT NULL)
BEGIN
    INSERT INTO status_change_counters (authority_id, last_sequence) VALUES (NEW.authority_id, 1)
        ON CONFLICT (authority_id) DO UPDATE SET last_sequence = status_change_counters.last_sequence + 1;
    UPDATE certificates SET status_change_sequence =
        (SELECT last_sequence FROM status_change_counters WHERE authority_id = NEW.authority_id) WHERE id = NEW.id;
END;

-- Rows 0011 left without a number: not active, but with no status change time.
INSERT INTO status_change_counters (authority_id, last_sequence)
    SELECT DISTINCT authority_id, 1 FROM certificates WHERE status_change_sequence IS NULL AND status <> 1
    ON CONFLICT (authority_id) DO NOTHING;
UPDATE certificates SET status_change_sequence = 1 WHERE status_change_sequence IS NULL AND status <> 1;
