namespace Pki.Core.Audit;

/// <summary>What an operation reports to the audit log; the writer adds actor, time, sequence and hashes.</summary>
internal readonly record struct AuditEntry(string Action, string ObjectType, string? ObjectId, string? AuthorityId);
