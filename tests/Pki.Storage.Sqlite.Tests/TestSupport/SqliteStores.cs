using Pki.Storage.Conformance;

namespace Pki.Storage.Sqlite.Tests.TestSupport;

/// <summary>Makes stores on fresh database files and deletes them all at the end of a test.</summary>
internal sealed class SqliteStores : IDisposable
{
    private readonly List<(TempDatabase File, SqliteDatabase Database)> _created = [];

    /// <summary>Every store of a fresh database file.</summary>
    public TidyStores NewStoreSet() => StoreSet(NewDatabase());

    /// <summary>Every store over <paramref name="database"/>.</summary>
    public static TidyStores StoreSet(SqliteDatabase database) => new(
        new SqliteCertificateStore(database), new SqliteRequestTokenStore(database), new SqliteRevocationStore(database), new SqlitePrivateKeyStore(database), new SqliteAuthorityStore(database));

    public SqliteDatabase NewDatabase()
    {
        var file = new TempDatabase();
        var database = file.Open();
        _created.Add((file, database));
        return database;
    }

    public void Dispose()
    {
        foreach (var (file, database) in _created)
        {
            database.Dispose();
            file.Dispose();
        }

        _created.Clear();
    }
}
