namespace Pki.Storage.Sqlite.Tests.TestSupport;

/// <summary>Makes stores on fresh database files and deletes them all at the end of a test.</summary>
internal sealed class SqliteStores : IDisposable
{
    private readonly List<(TempDatabase File, SqliteDatabase Database)> _created = [];

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
