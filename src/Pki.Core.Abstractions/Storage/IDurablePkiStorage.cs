namespace Pki.Core;

/// <summary>
/// Registered by a storage package whose stores outlive the process (<c>UseSqlite</c>, <c>UsePostgreSql</c>). With one
/// registered, start-up fails unless <c>PkiOptions.KeyEncryptionKey</c> is set: under a random per-process key-encryption
/// key every stored private key (every CA key) would be unreadable after a restart.
/// </summary>
public interface IDurablePkiStorage
{
    /// <summary>The store, as named in the start-up error, for example <c>SQLite (UseSqlite)</c>.</summary>
    string Name { get; }
}

/// <summary>The plain <see cref="IDurablePkiStorage"/> a storage package registers.</summary>
/// <param name="Name">The store, as named in the start-up error.</param>
public sealed record DurablePkiStorage(string Name) : IDurablePkiStorage;
