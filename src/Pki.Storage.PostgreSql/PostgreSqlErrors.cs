using Npgsql;
using Pki.Core;

namespace Pki.Storage.PostgreSql;

/// <summary>Maps PostgreSQL constraint violations to the <see cref="PkiException"/> codes the store contracts document.</summary>
internal static class PostgreSqlErrors
{
    /// <summary>True for a unique violation (SQLSTATE 23505), optionally of one named constraint or index.</summary>
    public static bool IsUniqueViolation(this PostgresException exception, string? constraint = null) =>
        exception.SqlState == PostgresErrorCodes.UniqueViolation
        && (constraint is null || string.Equals(exception.ConstraintName, constraint, StringComparison.Ordinal));
}
