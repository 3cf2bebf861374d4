namespace Pki.Storage.PostgreSql.Migrations;

/// <summary>
/// Version 10: per-CA status-change sequence numbers (<see cref="Pki.Core.IRevocationStore.TryChangeStatusAsync"/>). A
/// change increments its CA's row in <c>pki_status_change_counters</c> in its own transaction, whose row lock is held until
/// commit, so numbers become visible in the order they are given, whichever host gives them; each CRL records the last
/// number it reflects. Delta CRLs, freshness checks and tidy compare numbers, not the clocks of the hosts.
/// </summary>
/// <remarks>
/// Changes made before this version get number 1, which no CRL made before it reflects (their <c>changes_through</c> is
/// 0): the next delta lists them again and the next freshness check makes a new CRL, which is harmless. Hosts of an
/// earlier version write changes without a number: upgrade every host sharing the database together.
/// </remarks>
internal static class StatusChangeSequenceMigration
{
    public static string Sql(PostgreSqlDatabase db) => $"""
        ALTER TABLE {db.Table("pki_certificates")} ADD COLUMN status_change_sequence bigint NULL;
        CREATE TABLE {db.Table("pki_status_change_counters")} (
            authority_id   text COLLATE "C" PRIMARY KEY,
            last_sequence  bigint NOT NULL CHECK (last_sequence >= 1)
        );
        UPDATE {db.Table("pki_certificates")} SET status_change_sequence = 1 WHERE status_changed_at IS NOT NULL;
        INSERT INTO {db.Table("pki_status_change_counters")} (authority_id, last_sequence)
            SELECT DISTINCT authority_id, 1 FROM {db.Table("pki_certificates")} WHERE status_changed_at IS NOT NULL;
        ALTER TABLE {db.Table("pki_crls")} ADD COLUMN changes_through bigint NOT NULL DEFAULT 0;
        ALTER TABLE {db.Table("pki_crl_history")} ADD COLUMN changes_through bigint NOT NULL DEFAULT 0;
        DROP INDEX {db.Table("pki_certificates_status_changed_idx")};
        CREATE INDEX pki_certificates_status_change_sequence_idx ON {db.Table("pki_certificates")} (authority_id, status_change_sequence)
            WHERE status_change_sequence IS NOT NULL;
        """;
}
