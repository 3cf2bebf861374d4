-- Contract: IAuditStore. The sequence is the primary key: two writers cannot take the same one.
CREATE TABLE audit_events (
    sequence            INTEGER NOT NULL PRIMARY KEY,
    timestamp           INTEGER NOT NULL,
    actor               TEXT    NOT NULL,
    actor_organization  TEXT    NULL,
    action              TEXT    NOT NULL,
    object_type         TEXT    NOT NULL,
    object_id           TEXT    NULL,
    authority_id        TEXT    NULL,
    outcome             INTEGER NOT NULL,
    error_code          INTEGER NULL,
    correlation_id      TEXT    NULL,
    previous_hash       TEXT    NOT NULL,
    hash                TEXT    NOT NULL
) STRICT;

CREATE INDEX ix_audit_events_timestamp ON audit_events (timestamp);
CREATE INDEX ix_audit_events_actor ON audit_events (actor, sequence);
CREATE INDEX ix_audit_events_object ON audit_events (object_id, sequence);
CREATE INDEX ix_audit_events_action ON audit_events (action, sequence);
