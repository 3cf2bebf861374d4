namespace Pki.Storage.Sqlite;

/// <summary>
/// Per-CA status-change sequence numbers (see <see cref="Pki.Core.IRevocationStore.TryChangeStatusAsync"/>). Triggers on
/// <c>certificates</c> give them (migration 0012): a status change, or a record stored with a status history, increments
/// the CA's row in <c>status_change_counters</c> and takes the new number, in the writing transaction. One writer at a
/// time holds the file, so numbers become visible in the order they are given, whichever process writes.
/// </summary>
internal static class StatusChangeSequences
{
    /// <summary>The CA's last number given, 0 before the first.</summary>
    public const string Last =
        "SELECT COALESCE((SELECT last_sequence FROM status_change_counters WHERE authority_id = @authority_id), 0);";
}
