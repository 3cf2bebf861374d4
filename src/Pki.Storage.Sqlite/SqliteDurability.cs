namespace Pki.Storage.Sqlite;

/// <summary>When SQLite forces a commit to disk (its <c>synchronous</c> setting in WAL mode).</summary>
public enum SqliteDurability
{
    /// <summary>
    /// Every commit is flushed to disk before it returns (<c>synchronous = FULL</c>): an issued certificate or a used
    /// token survives a power loss. The default.
    /// </summary>
    Full = 0,

    /// <summary>
    /// Commits are flushed at checkpoints only (<c>synchronous = NORMAL</c>): faster for a lone writer and safe against a
    /// crash of the process, but a power loss or operating-system crash can undo the last commits, for example turn a
    /// redeemed token back into an unused one. The database itself stays consistent. Under many concurrent writers it
    /// gains little or nothing: with <see cref="Full"/>, writes that arrive during a commit's flush share the next
    /// commit, and that grouping is what concurrent throughput comes from.
    /// </summary>
    Normal = 1,
}
