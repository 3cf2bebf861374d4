using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Pki.Core;

namespace Pki.Storage.Sqlite;

/// <summary>
/// Tidy: one <c>BEGIN IMMEDIATE</c> transaction deletes a batch of expired certificates (never CA certificates, never one
/// a request token references, so the deferred foreign key holds at commit) and then the escrowed keys only they
/// referenced. The write lock is held throughout, so no certificate stored meanwhile can reference one of those keys
/// (an issuance that found such a key on a reader connection just before may still store its certificate afterwards,
/// linked to the removed key, which is then not exportable; see docs/storage.md).
/// </summary>
internal sealed partial class SqliteCertificateStore
{
    private const string DeleteOrphanedKeys =
        "DELETE FROM private_keys WHERE id IN (SELECT value FROM json_each(@ids)) AND subject_public_key_sha256 <> x'' "
        + "AND NOT EXISTS (SELECT 1 FROM certificates WHERE certificates.private_key_id = private_keys.id);";

    public ValueTask<CertificatePurgeResult> PurgeExpiredAsync(CertificatePurge purge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(purge);
        ArgumentOutOfRangeException.ThrowIfLessThan(purge.Limit, 1, nameof(purge));
        return database.WriteAsync(
            async (connection, transaction, token) =>
            {
                var keyIds = new HashSet<string>(StringComparer.Ordinal);
                int certificates = 0;
                using (var delete = Sql.Command(connection, transaction, string.Empty))
                {
                    BindPurge(delete, purge);
                    using var reader = await delete.ExecuteReaderAsync(token).ConfigureAwait(false);
                    while (await reader.ReadAsync(token).ConfigureAwait(false))
                    {
                        certificates++;
                        if (reader.NullableString(0) is { } keyId)
                        {
                            keyIds.Add(keyId);
                        }
                    }
                }

                if (keyIds.Count == 0)
                {
                    return new CertificatePurgeResult(certificates, 0);
                }

                using var keys = Sql.Command(connection, transaction, DeleteOrphanedKeys).With("@ids", JsonSerializer.Serialize(keyIds));
                return new CertificatePurgeResult(certificates, await keys.ExecuteNonQueryAsync(token).ConfigureAwait(false));
            },
            cancellationToken);
    }

    /// <summary>Sets the SQL and parameters of one purge batch (also used to check the query plans).</summary>
    internal static void BindPurge(SqliteCommand command, CertificatePurge purge)
    {
        // Only constant fragments are appended; every value is a parameter. With KeepNotActive the status filter comes
        // first, so SQLite can search ix_certificates_status_expires; otherwise ix_certificates_expires.
        var sql = new StringBuilder("DELETE FROM certificates WHERE id IN (SELECT c.id FROM certificates c WHERE ");
        sql.Append(purge.KeepNotActive ? "c.status = 1 AND " : string.Empty) // CertificateStatus.Active
            .Append("c.expires_on < @expired_before AND c.type <> 4 "); // CertificateType.CertificateAuthority
        command.AndIfSet(sql, "c.authority_id = @authority_id", "@authority_id", purge.AuthorityId);
        if (purge.PublishedBy is { } published)
        {
            // Never revoked or held, or its last change (and unless active again its expiry) reflected in the CRL.
            sql.Append(" AND ((c.status_change_sequence IS NULL AND c.status = 1) OR (c.status_change_sequence <= @changes_through "
                + "AND (c.status = 1 OR c.expires_on < @this_update)))");
            command.With("@changes_through", published.ChangesThrough).With("@this_update", Sql.Ticks(published.ThisUpdate));
        }
        sql.Append(" AND NOT EXISTS (SELECT 1 FROM request_tokens t WHERE t.certificate_id = c.id) LIMIT @limit) RETURNING private_key_id;");
        command.With("@expired_before", Sql.Ticks(purge.ExpiredBefore)).With("@limit", purge.Limit);
        command.SetText(sql.ToString());
    }
}
