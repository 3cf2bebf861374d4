namespace Pki.Storage.PostgreSql.Migrations;

/// <summary>
/// Version 11: a status change or a record stored with a status history that arrives without a number — written by a
/// host of a version before 10 still running during a rolling upgrade — takes its CA's next number in a trigger.
/// </summary>
/// <remarks>
/// This version's stores bring their own number (taking the CA's counter row before the certificate row: see
/// <see cref="StatusChangeSequences"/>), so the triggers do nothing for them. An older host's change locks the certificate
/// row first and the counter row in the trigger: two such orders can deadlock only during the upgrade (PostgreSQL then
/// aborts one transaction, which its caller sees as an error).
/// </remarks>
internal static class StatusChangeTriggerMigration
{
    public static string Sql(PostgreSqlDatabase db) => $"""
        CREATE FUNCTION {db.Table("pki_certificates_number_status_change")}() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            {StatusChangeSequences.TakeNextSql(db, "VALUES (NEW.authority_id, 1)")} INTO NEW.status_change_sequence;
            RETURN NEW;
        END
        $body$;
        CREATE TRIGGER pki_certificates_status_changed BEFORE UPDATE OF status, status_changed_at ON {db.Table("pki_certificates")}
            FOR EACH ROW WHEN (NEW.status_change_sequence IS NOT DISTINCT FROM OLD.status_change_sequence
                AND (NEW.status IS DISTINCT FROM OLD.status OR NEW.status_changed_at IS DISTINCT FROM OLD.status_changed_at))
            EXECUTE FUNCTION {db.Table("pki_certificates_number_status_change")}();
        CREATE TRIGGER pki_certificates_stored_with_history BEFORE INSERT ON {db.Table("pki_certificates")}
            FOR EACH ROW WHEN (NEW.status_change_sequence IS NULL AND (NEW.status <> 1 OR NEW.status_changed_at IS NOT NULL))
            EXECUTE FUNCTION {db.Table("pki_certificates_number_status_change")}();
        INSERT INTO {db.Table("pki_status_change_counters")} (authority_id, last_sequence)
            SELECT DISTINCT authority_id, 1 FROM {db.Table("pki_certificates")} WHERE status_change_sequence IS NULL AND status <> 1
            ON CONFLICT (authority_id) DO NOTHING;
        UPDATE {db.Table("pki_certificates")} SET status_change_sequence = 1 WHERE status_change_sequence IS NULL AND status <> 1;
        """;
}
