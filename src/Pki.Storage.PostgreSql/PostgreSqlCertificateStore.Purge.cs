using Npgsql;
using Pki.Core;

namespace Pki.Storage.PostgreSql;

/// <summary>
/// Tidy: one transaction locks a batch of expired certificates (never CA certificates, never one a request token
/// references), deletes those no token references by then, and then the escrowed keys only they referenced.
/// </summary>
/// <remarks>
/// Under READ COMMITTED, a CSR signed on another host at the same moment for the public key of an escrowed key being
/// removed could link its new certificate to that key; the certificate then has no exportable key. That needs a CSR for a
/// key whose every certificate expired longer than the retention ago.
/// </remarks>
internal sealed partial class PostgreSqlCertificateStore
{
    public async ValueTask<CertificatePurgeResult> PurgeExpiredAsync(CertificatePurge purge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(purge);
        ArgumentOutOfRangeException.ThrowIfLessThan(purge.Limit, 1, nameof(purge));
        await using var lease = await db.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await lease.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var keyIds = new HashSet<string>(StringComparer.Ordinal);
        // Two statements, so that the second sees what the first's snapshot could not. Only constant fragments are
        // appended; every value is a parameter.
        // 1. Lock a batch of candidates FOR UPDATE SKIP LOCKED. A token being stored for one of them holds its row FOR KEY
        //    SHARE until it commits, so that certificate is skipped now and kept by the next pass; a token that comes
        //    after the lock waits for this transaction and then finds the certificate gone.
        var candidates = new List<string>(Math.Min(purge.Limit, 1024)); // a limit may be int.MaxValue
        await using (var select = new NpgsqlCommand { Connection = lease.Connection, Transaction = transaction })
        {
            var sql = new System.Text.StringBuilder("SELECT c.id FROM ").Append(_table).Append(" c WHERE ")
                .Append(purge.KeepNotActive ? "c.status = @active AND " : string.Empty)
                .Append("c.expires_on < @expired_before AND c.type <> @ca");
            select.AndTextIfSet(sql, "c.authority_id", "authority_id", purge.AuthorityId);
            if (purge.PublishedBy is { } published)
            {
                // Never revoked or held, or its last change (and unless active again its expiry) reflected in the CRL.
                sql.Append(" AND ((c.status_change_sequence IS NULL AND c.status = @active) OR (c.status_change_sequence <= @changes_through "
                    + "AND (c.status = @active OR c.expires_on < @this_update)))");
                select.AddBigint("changes_through", published.ChangesThrough);
                select.AddBigint("this_update", PostgreSqlTime.ToTicks(published.ThisUpdate));
            }

            select.CommandText = sql.Append(" AND NOT EXISTS (SELECT 1 FROM ").Append(db.Table("pki_request_tokens"))
                .Append(" t WHERE t.certificate_id = c.id) LIMIT @limit FOR UPDATE OF c SKIP LOCKED").ToString();
            select.AddSmallint("active", (int)CertificateStatus.Active);
            select.AddSmallint("ca", (int)CertificateType.CertificateAuthority);
            select.AddBigint("expired_before", PostgreSqlTime.ToTicks(purge.ExpiredBefore));
            select.AddInteger("limit", purge.Limit);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                candidates.Add(reader.GetString(0));
            }
        }

        // 2. Delete them, checking the tokens again with a fresh snapshot: a token committed after the first statement's
        //    snapshot but before its lock reached the row (it had released its own lock by then) keeps its certificate.
        int certificates = 0;
        if (candidates.Count > 0)
        {
            await using var delete = new NpgsqlCommand(
                $"DELETE FROM {_table} c WHERE c.id = ANY(@ids) "
                + $"AND NOT EXISTS (SELECT 1 FROM {db.Table("pki_request_tokens")} t WHERE t.certificate_id = c.id) RETURNING c.private_key_id",
                lease.Connection, transaction);
            delete.AddTextArray("ids", candidates);
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                certificates++;
                if (reader.NullableText("private_key_id") is { } keyId)
                {
                    keyIds.Add(keyId);
                }
            }
        }

        int keys = 0;
        if (keyIds.Count > 0)
        {
            string privateKeys = db.Table("pki_private_keys");
            await using var delete = new NpgsqlCommand(
                $"DELETE FROM {privateKeys} k WHERE k.id = ANY(@ids) AND k.subject_public_key_sha256 <> ''::bytea "
                + $"AND NOT EXISTS (SELECT 1 FROM {_table} c WHERE c.private_key_id = k.id)", lease.Connection, transaction);
            delete.AddTextArray("ids", keyIds);
            keys = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await lease.CommitAsync(transaction, cancellationToken).ConfigureAwait(false);
        return new CertificatePurgeResult(certificates, keys);
    }
}
