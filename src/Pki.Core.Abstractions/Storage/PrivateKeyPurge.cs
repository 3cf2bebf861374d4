namespace Pki.Core;

/// <summary>Which unreferenced signing keys <see cref="IPrivateKeyStore.PurgeUnreferencedAsync"/> removes, and how many at most.</summary>
/// <param name="CreatedBefore">Only keys whose <see cref="StoredPrivateKey.CreatedAt"/> is strictly before this instant.</param>
/// <param name="Limit">The most keys removed in this call (one transaction); at least 1.</param>
public sealed record PrivateKeyPurge(DateTimeOffset CreatedBefore, int Limit);
