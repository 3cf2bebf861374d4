using System.Globalization;
using Pki.Core;

namespace Pki.Storage.PostgreSql.Migrations;

/// <summary>
/// Version 9: a certificate is inserted only while its issuing CA and every CA above it held here are active. A trigger
/// walks the chain; for each CA it first takes the CA's advisory lock in shared mode (<see cref="LockClass"/>, held to
/// the end of the inserting transaction), then reads the status with a fresh snapshot. An update of a CA row takes the
/// same lock exclusively (<see cref="PostgreSqlAuthorityStore"/>), so a CA's revocation or hold and an insert of one of
/// its certificates are serialized, across hosts too: the insert either commits first, or waits for the update's commit
/// and then sees the new status and fails with SQLSTATE <c>PKA01</c>. Advisory locks live in the lock manager's memory:
/// unlike row locks (<c>FOR SHARE</c>) they write nothing to the CA rows or the WAL on every issuance.
/// </summary>
internal static class IssuerStatusMigration
{
    /// <summary>The SQLSTATE of a refused insert; its message is <see cref="MessagePrefix"/> followed by the inactive CA's id.</summary>
    public const string SqlState = "PKA01";

    public const string MessagePrefix = "pki: issuer not active: ";

    /// <summary>The first key of a CA's advisory lock (<c>pg_advisory_xact_lock(LockClass, hashtext(id))</c>): "PKIA".</summary>
    public const int LockClass = 0x504B4941;

    public static string Sql(PostgreSqlDatabase db) => $"""
        CREATE FUNCTION {db.Table("pki_certificates_check_issuer")}() RETURNS trigger LANGUAGE plpgsql AS $body$
        DECLARE
            ca_id text := NEW.authority_id;
            ca_parent text;
            ca_status smallint;
            depth integer := 0;
        BEGIN
            WHILE ca_id IS NOT NULL AND depth < {CertificateRecordRules.MaximumIssuerChainDepth.ToString(CultureInfo.InvariantCulture)} LOOP
                PERFORM pg_advisory_xact_lock_shared({LockClass.ToString(CultureInfo.InvariantCulture)}, hashtext(ca_id));
                SELECT parent_id, status INTO ca_parent, ca_status FROM {db.Table("pki_authorities")} WHERE id = ca_id;
                IF NOT FOUND THEN
                    EXIT;
                END IF;
                IF ca_status <> {(int)AuthorityStatus.Active} THEN
                    RAISE EXCEPTION USING ERRCODE = '{SqlState}', MESSAGE = '{MessagePrefix}' || ca_id;
                END IF;
                ca_id := ca_parent;
                depth := depth + 1;
            END LOOP;
            RETURN NEW;
        END
        $body$;
        CREATE TRIGGER pki_certificates_issuer_active BEFORE INSERT ON {db.Table("pki_certificates")}
            FOR EACH ROW EXECUTE FUNCTION {db.Table("pki_certificates_check_issuer")}();
        """;
}
