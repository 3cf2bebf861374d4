using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Pki.Core;

namespace Pki.Storage.Sqlite;

/// <summary>An <see cref="ICertificateStore"/> on the <c>certificates</c> table.</summary>
internal sealed partial class SqliteCertificateStore(SqliteDatabase database) : ICertificateStore
{
    private const string SelectById = "SELECT " + CertificateRows.Columns + " FROM certificates WHERE id = @id;";

    private const string SelectBySerial =
        "SELECT " + CertificateRows.Columns + " FROM certificates WHERE authority_id = @authority_id AND serial_number = @serial_number;";

    public ValueTask AddAsync(CertificateRecord certificate, CancellationToken cancellationToken)
    {
        CertificateRecordRules.ThrowIfIncomplete(certificate, nameof(certificate));
        StoreInputRules.ThrowIfNotStorable(certificate);
        var row = CertificateRows.Encode(certificate);
        return SqliteAuditStore.WriteAuditedAsync(
            database, AuditObjectTypes.Certificate, certificate.Id, certificate.CertificateAuthority.Id, (connection, transaction, token) => CertificateRows.InsertAsync(connection, transaction, certificate, row, token), cancellationToken);
    }

    public async ValueTask<CertificateRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!StoreInputRules.IsStorable(id))
        {
            return null; // no record has such an id; bound as UTF-8 it would become another one
        }

        using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = Sql.Command(connection, null, SelectById).With("@id", id);
        return await Sql.ReadSingleAsync(command, CertificateRows.Read, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<CertificateRecord?> FindBySerialNumberAsync(string authorityId, SerialNumber serialNumber, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorityId);
        if (!StoreInputRules.IsStorable(authorityId))
        {
            return null;
        }

        using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = Sql.Command(connection, null, SelectBySerial)
            .With("@authority_id", authorityId)
            .With("@serial_number", serialNumber.Bytes.ToArray());
        return await Sql.ReadSingleAsync(command, CertificateRows.Read, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<CertificateRecord> QueryAsync(CertificateQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested(); // also when no record matches
        if (!StoreInputRules.CanMatch(query))
        {
            yield break;
        }

        List<CertificateRecord> page;
        using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            using var command = Sql.Command(connection, null, string.Empty);
            BindQuery(command, query);
            page = await Sql.ReadListAsync(command, CertificateRows.Read, cancellationToken).ConfigureAwait(false);
        }

        foreach (var record in page)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return record;
        }
    }

    /// <summary>Sets the SQL and parameters of the page <paramref name="query"/> asks for (also used to check the query plans).</summary>
    internal static void BindQuery(SqliteCommand command, CertificateQuery query)
    {
        // Only constant fragments are appended; every value is a parameter.
        var sql = new StringBuilder("SELECT ").Append(CertificateRows.Columns).Append(" FROM certificates WHERE 1 = 1");
        command.AndIfSet(sql, "authority_id = @authority_id", "@authority_id", query.AuthorityId);
        command.AndIfSet(sql, "owner_organization = @organization", "@organization", query.Organization);

        if (query.Status is { } status)
        {
            sql.Append(" AND status = @status");
            command.With("@status", (int)status);
        }

        if (query.Type is { } type)
        {
            sql.Append(" AND type = @type");
            command.With("@type", (int)type);
        }

        if (query.ExpiresOnOrAfter is { } from)
        {
            sql.Append(" AND expires_on >= @expires_from");
            command.With("@expires_from", Sql.Ticks(from));
        }

        if (query.ExpiresBefore is { } before)
        {
            sql.Append(" AND expires_on < @expires_before");
            command.With("@expires_before", Sql.Ticks(before));
        }

        if (query.SerialNumber is { } serial)
        {
            sql.Append(" AND serial_number = @serial_number");
            command.With("@serial_number", serial.Bytes.ToArray());
        }

        if (query.FingerprintSha256 is not null)
        {
            // SQLite's lower() folds A–Z only, as the contract's comparison does (the index is on the same expression).
            sql.Append(" AND lower(fingerprint_sha256) = lower(@fingerprint)");
            command.With("@fingerprint", query.FingerprintSha256);
        }

        if (query.After is not null)
        {
            sql.Append(" AND id > @after");
            command.With("@after", query.After);
        }

        sql.Append(" ORDER BY id LIMIT @limit;");
        command.With("@limit", Math.Max(0, query.Limit));
        command.SetText(sql.ToString());
    }
}
