using System.Runtime.CompilerServices;
using System.Text;
using Npgsql;
using Pki.Core;

namespace Pki.Storage.PostgreSql;

/// <summary>
/// An <see cref="IAuthorityStore"/> over <c>pki_authorities</c>. Names are unique within an organization (and among
/// CAs without one) by a unique index, so concurrent hosts cannot create two CAs of one name.
/// </summary>
internal sealed class PostgreSqlAuthorityStore(PostgreSqlDatabase db) : IAuthorityStore
{
    private readonly string _table = db.Table("pki_authorities");

    public async ValueTask AddAsync(AuthorityRecord authority, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authority);
        StoreInputRules.ThrowIfNotStorable(authority);
        await using var lease = await db.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"INSERT INTO {_table} ({AuthorityRows.Columns}) VALUES ({AuthorityRows.Values})", lease.Connection);
        AuthorityRows.AddParameters(command, authority);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await lease.CompleteAsync().ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.IsUniqueViolation())
        {
            throw new PkiException(PkiErrorCode.Conflict, $"A CA with id '{authority.Id}' or name '{authority.Name}' already exists.", e);
        }
    }

    public async ValueTask UpdateAsync(AuthorityRecord authority, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authority);
        StoreInputRules.ThrowIfNotStorable(authority);
        var assignments = string.Join(", ", AuthorityRows.Columns.Split(", ").Where(c => c != "id").Select(c => c + " = @" + c));
        await using var lease = await db.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        // The CA's advisory lock, exclusively, to the end of the transaction: inserts of its certificates (and of those of
        // CAs below it) wait for this update's commit and then see it (migration 9).
        await using var command = new NpgsqlCommand(
            $"UPDATE {_table} SET {assignments} FROM (SELECT pg_advisory_xact_lock({Migrations.IssuerStatusMigration.LockClass}, hashtext(@id))) AS issuer_lock WHERE {_table}.id = @id",
            lease.Connection);
        AuthorityRows.AddParameters(command, authority);
        int updated;
        try
        {
            updated = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.IsUniqueViolation())
        {
            throw new PkiException(PkiErrorCode.Conflict, $"A CA named '{authority.Name}' already exists.", e);
        }

        if (updated == 0)
        {
            throw new PkiException(PkiErrorCode.AuthorityNotFound, $"CA '{authority.Id}' does not exist.");
        }

        await lease.CompleteAsync().ConfigureAwait(false);
    }

    public async ValueTask<AuthorityRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!StoreInputRules.IsStorable(id))
        {
            return null;
        }

        await using var lease = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {AuthorityRows.Columns} FROM {_table} WHERE id = @id", lease.Connection);
        command.AddText("id", id);
        return await PostgreSqlQueries.ReadSingleAsync(command, AuthorityRows.Read, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<AuthorityRecord?> FindByNameAsync(string name, string? organization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!StoreInputRules.IsStorable(name) || !StoreInputRules.IsStorable(organization))
        {
            return null;
        }

        await using var lease = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"SELECT {AuthorityRows.Columns} FROM {_table} WHERE (organization IS NULL) = @no_organization AND coalesce(organization, '') = @organization AND name = @name",
            lease.Connection);
        command.AddBoolean("no_organization", organization is null);
        command.AddText("organization", organization ?? string.Empty);
        command.AddText("name", name);
        return await PostgreSqlQueries.ReadSingleAsync(command, AuthorityRows.Read, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<AuthorityRecord> ListAsync(AuthorityQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        if (!StoreInputRules.CanMatch(query))
        {
            yield break;
        }
        await using var lease = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand { Connection = lease.Connection };
        var sql = new StringBuilder($"SELECT {AuthorityRows.Columns} FROM {_table} WHERE TRUE");
        command.AndTextIfSet(sql, "organization", "organization", query.Organization);
        command.AndTextIfSet(sql, "parent_id", "parent_id", query.ParentId);

        PostgreSqlQueries.FinishKeysetPage(sql, command, query.After, query.Limit);
        await foreach (var row in PostgreSqlQueries.ReadAllAsync(lease, command, AuthorityRows.Read, cancellationToken).ConfigureAwait(false))
        {
            yield return row;
        }
    }
}
