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
    /// Commits are flushed at checkpoints only (<c>synchronous = NORMAL</c>): several times faster per write and safe
    /// against a crash of the process, but a power loss or operating-system crash can undo the last commits, for example
    /// turn a redeemed token back into an unused one. The database itself stays consistent.
    /// </summary>
    Normal = 1,
}
