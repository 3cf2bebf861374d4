namespace Pki.Core;

/// <summary>A database's part in a <see cref="StoreTransaction"/>, implemented by store packages.</summary>
public interface IStoreTransactionParticipant
{
    /// <summary>Commits the database transaction. Not cancellable: a commit is either sent whole or not at all.</summary>
    ValueTask CommitAsync();

    /// <summary>Rolls the database transaction back; never throws (a broken connection has rolled back already).</summary>
    ValueTask RollbackAsync();
}
