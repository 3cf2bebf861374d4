namespace Pki.Storage.PostgreSql;

/// <summary>
/// Per-CA status-change sequence numbers (see <see cref="Pki.Core.IRevocationStore.TryChangeStatusAsync"/>): the statement
/// that takes a CA's next number increments its row in <c>pki_status_change_counters</c>, and the row lock it takes is
/// held until the transaction ends, so the next number of that CA is given only after this one is committed (or rolled
/// back): numbers become visible in the order they are given, across every host.
/// </summary>
internal static class StatusChangeSequences
{
    /// <summary>An upsert-increment of the counter of the CA that <paramref name="source"/> yields as
    /// <c>(authority_id, 1)</c> (a <c>VALUES</c> list or a <c>SELECT</c>), returning <c>last_sequence</c> (for a
    /// data-modifying <c>WITH</c>). When the source yields no row, nothing is taken.</summary>
    public static string TakeNextSql(PostgreSqlDatabase db, string source) =>
        $"INSERT INTO {db.Table("pki_status_change_counters")} AS s (authority_id, last_sequence) {source} "
        + "ON CONFLICT (authority_id) DO UPDATE SET last_sequence = s.last_sequence + 1 RETURNING last_sequence";

    /// <summary>The CA's last number given, 0 before the first (parameter <c>@authority_id</c>).</summary>
    public static string LastSql(PostgreSqlDatabase db) =>
        $"SELECT COALESCE((SELECT last_sequence FROM {db.Table("pki_status_change_counters")} WHERE authority_id = @authority_id), 0)";
}
