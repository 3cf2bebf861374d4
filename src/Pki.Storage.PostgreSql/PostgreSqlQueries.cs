using System.Runtime.CompilerServices;
using System.Text;
using Npgsql;

namespace Pki.Storage.PostgreSql;

/// <summary>What every store's queries share: keyset paging by id and reading rows into records.</summary>
internal static class PostgreSqlQueries
{
    /// <summary>Appends <c>AND id &gt; @after ORDER BY id LIMIT @limit</c> (ids compare with <c>COLLATE "C"</c>, as .NET's ordinal order) and sets the text.</summary>
    public static void FinishKeysetPage(StringBuilder sql, NpgsqlCommand command, string? after, int limit)
    {
        if (after is not null)
        {
            sql.Append(" AND id > @after");
            command.AddText("after", after);
        }

        sql.Append(" ORDER BY id LIMIT @limit");
        command.AddInteger("limit", Math.Max(0, limit));
        command.CommandText = sql.ToString();
    }

    public static async IAsyncEnumerable<T> ReadAllAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return read(reader);
        }
    }

    public static async Task<T?> ReadSingleAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
        where T : class
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? read(reader) : null;
    }
}
