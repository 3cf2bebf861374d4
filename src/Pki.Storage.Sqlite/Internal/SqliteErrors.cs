using Microsoft.Data.Sqlite;

namespace Pki.Storage.Sqlite;

/// <summary>Recognizes the SQLite errors the stores translate into <see cref="Pki.Core.PkiException"/> codes.</summary>
internal static class SqliteErrors
{
    private const int Constraint = 19;                  // SQLITE_CONSTRAINT
    private const int ConstraintPrimaryKey = 19 | (6 << 8);  // SQLITE_CONSTRAINT_PRIMARYKEY (1555)
    private const int ConstraintUnique = 19 | (8 << 8);      // SQLITE_CONSTRAINT_UNIQUE (2067)

    /// <summary>True when a UNIQUE index or the PRIMARY KEY refused a row.</summary>
    public static bool IsUniqueViolation(SqliteException exception) =>
        exception.SqliteErrorCode == Constraint
        && exception.SqliteExtendedErrorCode is ConstraintUnique or ConstraintPrimaryKey;
}
