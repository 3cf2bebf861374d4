using System.Runtime.CompilerServices;
using System.Text;
using Npgsql;
using Pki.Core;

namespace Pki.Storage.PostgreSql;

/// <summary>
/// An <see cref="ICertificateStore"/> over <c>pki_certificates</c>. Serial numbers are unique per CA by a unique
/// constraint, so two hosts cannot store the same serial; queries use keyset paging on the primary key.
/// </summary>
internal sealed partial class PostgreSqlCertificateStore(PostgreSqlDatabase db) : ICertificateStore
{
    private readonly string _table = db.Table("pki_certificates");

    public async ValueTask AddAsync(CertificateRecord certificate, CancellationToken cancellationToken)
    {
        CertificateRecordRules.ThrowIfIncomplete(certificate, nameof(certificate));
        StoreInputRules.ThrowIfNotStorable(certificate);

        // Inside a store transaction, the engine appends the event in it: it is written only once that transaction commits.
        var pending = StoreTransaction.Current is null ? PendingAuditEvent.Current : null;
        var next = pending?.TryTake(AuditObjectTypes.Certificate, certificate.Id, certificate.CertificateAuthority.Id);
        if (pending is null || next is null)
        {
            await using var lease = await db.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
            await CertificateRows.InsertAsync(db, lease.Connection, transaction: null, certificate, cancellationToken).ConfigureAwait(false);
            await lease.CompleteAsync().ConfigureAwait(false);
            return;
        }

        // The operation's audit event goes into the same transaction: certificate and event commit together, once, in the
        // host's next group commit (two round trips, shared with the audited writes queued with it).
        try
        {
            await using var insert = new NpgsqlCommand(CertificateRows.InsertSql(db, certificate));
            CertificateRows.Bind(insert, certificate);
            var written = await db.AuditedWrites.WriteAsync(new PostgreSqlAuditedWrite([insert], next), cancellationToken).ConfigureAwait(false);
            pending.Written(written!);
        }
        catch (PostgresException e) when (CertificateRows.InsertFailure(e, certificate) is { } failure)
        {
            pending.Release();
            throw failure;
        }
        catch
        {
            pending.Release();
            throw;
        }
    }

    public async ValueTask<CertificateRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!StoreInputRules.IsStorable(id))
        {
            return null; // no record has such an id, and PostgreSQL would refuse the parameter
        }

        await using var lease = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {CertificateRows.Columns} FROM {_table} WHERE id = @id", lease.Connection);
        command.AddText("id", id);
        return await PostgreSqlQueries.ReadSingleAsync(command, CertificateRows.Read, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<CertificateRecord?> FindBySerialNumberAsync(string authorityId, SerialNumber serialNumber, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorityId);
        if (!StoreInputRules.IsStorable(authorityId))
        {
            return null;
        }

        await using var lease = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"SELECT {CertificateRows.Columns} FROM {_table} WHERE authority_id = @authority_id AND serial_number = @serial_number", lease.Connection);
        command.AddText("authority_id", authorityId);
        command.AddBytes("serial_number", serialNumber.Bytes);
        return await PostgreSqlQueries.ReadSingleAsync(command, CertificateRows.Read, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<CertificateRecord> QueryAsync(CertificateQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        if (!StoreInputRules.CanMatch(query))
        {
            yield break; // a filter value no record can have (and PostgreSQL might refuse)
        }

        await using var lease = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand { Connection = lease.Connection };

        // Only fixed SQL fragments are appended; every value is a parameter.
        var sql = new StringBuilder($"SELECT {CertificateRows.Columns} FROM {_table} WHERE TRUE");
        command.AndTextIfSet(sql, "authority_id", "authority_id", query.AuthorityId);
        command.AndTextIfSet(sql, "owner_organization", "organization", query.Organization);

        if (query.Status is { } status)
        {
            sql.Append(" AND status = @status");
            command.AddSmallint("status", (int)status);
        }

        if (query.Type is { } type)
        {
            sql.Append(" AND type = @type");
            command.AddSmallint("type", (int)type);
        }

        if (query.ExpiresOnOrAfter is { } from)
        {
            sql.Append(" AND expires_on >= @expires_from");
            command.AddBigint("expires_from", PostgreSqlTime.ToTicks(from));
        }

        if (query.ExpiresBefore is { } before)
        {
            sql.Append(" AND expires_on < @expires_before");
            command.AddBigint("expires_before", PostgreSqlTime.ToTicks(before));
        }

        if (query.SerialNumber is { } serial)
        {
            sql.Append(" AND serial_number = @serial_number");
            command.AddBytes("serial_number", serial.Bytes);
        }

        if (query.FingerprintSha256 is not null)
        {
            // Under the "C" collation lower() folds A–Z only, as the contract's comparison does, whatever the database's locale.
            sql.Append(" AND lower(fingerprint_sha256) = lower(@fingerprint COLLATE \"C\")");
            command.AddText("fingerprint", query.FingerprintSha256);
        }

        // An expiry window (both bounds, "what expires in the next 30 days") is usually a thin slice of the table: read it
        // through the expiry index and sort it. One open bound matches a large share, which walking the ids finds fast.
        PostgreSqlQueries.FinishKeysetPage(
            sql, command, query.After, query.Limit, sortAfterFilter: query.ExpiresOnOrAfter is not null && query.ExpiresBefore is not null);
        await foreach (var row in PostgreSqlQueries.ReadAllAsync(lease, command, CertificateRows.Read, cancellationToken).ConfigureAwait(false))
        {
            yield return row;
        }
    }
}
