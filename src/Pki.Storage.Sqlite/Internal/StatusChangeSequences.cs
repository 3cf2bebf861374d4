using Microsoft.Data.Sqlite;

namespace Pki.Storage.Sqlite;

/// <summary>
/// Per-CA status-change sequence numbers (see <see cref="Pki.Core.IRevocationStore.TryChangeStatusAsync"/>): the CA's
/// counter row in <c>status_change_counters</c> is incremented, and the certificate's row takes the new number, in the
/// writer's transaction. One writer at a time holds the file, so numbers become visible in the order they are given.
/// </summary>
internal static class StatusChangeSequences
{
    private const string TakeNext =
        "INSERT INTO status_change_counters (authority_id, last_sequence) VALUES (@authority_id, 1) "
        + "ON CONFLICT (authority_id) DO UPDATE SET last_sequence = status_change_counters.last_sequence + 1;";

    private const string Stamp =
        "UPDATE certificates SET status_change_sequence = "
        + "(SELECT last_sequence FROM status_change_counters c WHERE c.authority_id = certificates.authority_id) WHERE id = @id;";

    /// <summary>The CA's last number given, 0 before the first.</summary>
    public const string Last =
        "SELECT COALESCE((SELECT last_sequence FROM status_change_counters WHERE authority_id = @authority_id), 0);";

    /// <summary>Gives certificate <paramref name="certificateId"/> of CA <paramref name="authorityId"/> the CA's next number;
    /// inside the writer's transaction, right after the certificate's status was written.</summary>
    public static async ValueTask StampNextAsync(
        SqliteConnection connection, SqliteTransaction transaction, string authorityId, string certificateId, CancellationToken cancellationToken)
    {
        using (var next = Sql.Command(connection, transaction, TakeNext).With("@authority_id", authorityId))
        {
            await next.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        using var stamp = Sql.Command(connection, transaction, Stamp).With("@id", certificateId);
        await stamp.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
