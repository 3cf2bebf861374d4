namespace Pki.Storage.PostgreSql.Migrations;

/// <summary>Version 6: the audit log (<see cref="Pki.Core.IAuditStore"/>); the sequence is the primary key, so two writers cannot take one number.</summary>
internal static class AuditMigration
{
    public static string Sql(PostgreSqlDatabase db) => $"""
        CREATE TABLE {db.Table("pki_audit_events")} (
            sequence            bigint PRIMARY KEY CHECK (sequence >= 1),
            timestamp           bigint NOT NULL,
            actor               text COLLATE "C" NOT NULL,
            actor_organization  text NULL,
            action              text COLLATE "C" NOT NULL,
            object_type         text NOT NULL,
            object_id           text COLLATE "C" NULL,
            authority_id        text NULL,
            outcome             smallint NOT NULL,
            error_code          integer NULL,
            correlation_id      text NULL,
            previous_hash       text NOT NULL,
            hash                text NOT NULL
        );
        CREATE INDEX pki_audit_events_timestamp_idx ON {db.Table("pki_audit_events")} (timestamp);
        CREATE INDEX pki_audit_events_actor_idx ON {db.Table("pki_audit_events")} (actor, sequence);
        CREATE INDEX pki_audit_events_object_idx ON {db.Table("pki_audit_events")} (object_id, sequence);
        CREATE INDEX pki_audit_events_action_idx ON {db.Table("pki_audit_events")} (action, sequence);
        """;
}
