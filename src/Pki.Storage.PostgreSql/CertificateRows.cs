using System.Net;
using Npgsql;
using Pki.Core;

namespace Pki.Storage.PostgreSql;

/// <summary>
/// The mapping between <see cref="CertificateRecord"/> and a <c>pki_certificates</c> row, shared by the certificate,
/// request-token (redemption) and revocation stores.
/// </summary>
internal static class CertificateRows
{
    public const string Columns =
        "id, authority_id, authority_name, certificate_pem, subject_oids, subject_values, san_dns, san_ip, san_email, san_uri, csr, "
        + "issued_on, expires_on, validity_days, serial_number, fingerprint_sha256, subject_key_identifier, signature_algorithm, type, "
        + "profile, public_key_algorithm, public_key_size, owner_organization, status, revoked_at, revocation_reason, invalidity_date, "
        + "revocation_comment, status_changed_at, token_id, name, private_key_id";

    private const string Values =
        "@id, @authority_id, @authority_name, @certificate_pem, @subject_oids, @subject_values, @san_dns, @san_ip, @san_email, @san_uri, @csr, "
        + "@issued_on, @expires_on, @validity_days, @serial_number, @fingerprint_sha256, @subject_key_identifier, @signature_algorithm, @type, "
        + "@profile, @public_key_algorithm, @public_key_size, @owner_organization, @status, @revoked_at, @revocation_reason, @invalidity_date, "
        + "@revocation_comment, @status_changed_at, @token_id, @name, @private_key_id";

    /// <summary>Inserts <paramref name="certificate"/> on <paramref name="connection"/> (in <paramref name="transaction"/> when given).</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.DuplicateSerialNumber"/>, <see cref="PkiErrorCode.Conflict"/>.</exception>
    public static async Task InsertAsync(
        PostgreSqlDatabase db, NpgsqlConnection connection, NpgsqlTransaction? transaction, CertificateRecord certificate, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(InsertSql(db, certificate), connection, transaction);
        Bind(command, certificate);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (InsertFailure(e, certificate) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>
    /// The <c>INSERT</c> statement whose parameters <see cref="Bind"/> adds. A record with a status history
    /// (<see cref="CertificateRecordRules.HasStatusHistory"/>) also takes its CA's next status-change sequence number in it.
    /// </summary>
    public static string InsertSql(PostgreSqlDatabase db, CertificateRecord certificate) =>
        CertificateRecordRules.HasStatusHistory(certificate)
            ? $"WITH next AS ({StatusChangeSequences.TakeNextSql(db, "VALUES (@authority_id, 1)")}) "
              + $"INSERT INTO {db.Table("pki_certificates")} ({Columns}, status_change_sequence) VALUES ({Values}, (SELECT last_sequence FROM next))"
            : $"INSERT INTO {db.Table("pki_certificates")} ({Columns}) VALUES ({Values})";

    /// <summary>Adds the parameters of <see cref="InsertSql"/> for <paramref name="certificate"/>.</summary>
    public static void Bind(NpgsqlCommand command, CertificateRecord certificate)
    {
        command.AddText("id", certificate.Id);
        command.AddText("authority_id", certificate.CertificateAuthority.Id);
        command.AddText("authority_name", certificate.CertificateAuthority.Name);
        command.AddText("certificate_pem", certificate.CertificatePem);
        command.AddSubject(certificate.Subject);
        var names = certificate.SubjectAlternativeNames;
        command.AddTextArray("san_dns", names.DnsNames);
        command.AddTextArray("san_ip", names.IpAddresses.Select(a => a.ToString()));
        command.AddTextArray("san_email", names.EmailAddresses);
        command.AddTextArray("san_uri", names.Uris.Select(u => u.OriginalString));
        command.AddText("csr", certificate.Csr);
        command.AddBigint("issued_on", PostgreSqlTime.ToTicks(certificate.IssuedOn));
        command.AddBigint("expires_on", PostgreSqlTime.ToTicks(certificate.ExpiresOn));
        command.AddInteger("validity_days", certificate.ValidityDays);
        command.AddBytes("serial_number", certificate.SerialNumber.Bytes);
        command.AddText("fingerprint_sha256", certificate.FingerprintSha256);
        command.AddText("subject_key_identifier", certificate.SubjectKeyIdentifier);
        command.AddText("signature_algorithm", certificate.SignatureAlgorithm);
        command.AddSmallint("type", (int)certificate.Type);
        command.AddText("profile", certificate.Profile);
        command.AddText("public_key_algorithm", certificate.PublicKeyAlgorithm);
        command.AddInteger("public_key_size", certificate.PublicKeySize);
        command.AddText("owner_organization", certificate.OwnerOrganization);
        command.AddSmallint("status", (int)certificate.Status);
        command.AddBigint("revoked_at", PostgreSqlTime.ToTicks(certificate.RevokedAt));
        command.AddSmallint("revocation_reason", (int?)certificate.RevocationReason);
        command.AddBigint("invalidity_date", PostgreSqlTime.ToTicks(certificate.InvalidityDate));
        command.AddText("revocation_comment", certificate.RevocationComment);
        command.AddBigint("status_changed_at", PostgreSqlTime.ToTicks(certificate.StatusChangedAt));
        command.AddText("token_id", certificate.TokenId);
        command.AddText("name", certificate.Name);
        command.AddText("private_key_id", certificate.PrivateKeyId);
    }

    /// <summary>The error a refused insert of <paramref name="certificate"/> means, or null when it is not a rule of the table.</summary>
    public static PkiException? InsertFailure(PostgresException exception, CertificateRecord certificate) =>
        exception.SqlState == Migrations.IssuerStatusMigration.SqlState
            ? CertificateRecordRules.IssuerNotActive(certificate.CertificateAuthority.Id, InactiveIssuer(exception, certificate))
        : exception.IsUniqueViolation("pki_certificates_serial_key")
            ? new PkiException(PkiErrorCode.DuplicateSerialNumber,
                $"CA '{certificate.CertificateAuthority.Id}' already has a certificate with serial number {certificate.SerialNumberHex}.", exception)
            : exception.IsUniqueViolation()
                ? new PkiException(PkiErrorCode.Conflict, $"A certificate with id '{certificate.Id}' already exists.", exception)
            : exception.SqlState == PostgresErrorCodes.DeadlockDetected
                // Two transactions storing records with a status history for two CAs, in opposite orders, take the CAs'
                // counter rows in opposite orders; PostgreSQL aborts one. Nothing of it is kept: a retry succeeds.
                ? new PkiException(PkiErrorCode.ConcurrencyConflict,
                    $"Storing certificate '{certificate.Id}' deadlocked with a concurrent transaction and was rolled back; retry.", exception)
                : null;

    private static string InactiveIssuer(PostgresException exception, CertificateRecord certificate) =>
        exception.MessageText.StartsWith(Migrations.IssuerStatusMigration.MessagePrefix, StringComparison.Ordinal)
            ? exception.MessageText[Migrations.IssuerStatusMigration.MessagePrefix.Length..]
            : certificate.CertificateAuthority.Id;

    /// <summary>Reads the current row (selected with <see cref="Columns"/>).</summary>
    public static CertificateRecord Read(NpgsqlDataReader reader) => new()
    {
        Id = reader.Text("id"),
        CertificatePem = reader.Text("certificate_pem"),
        CertificateAuthority = new AuthoritySummary(reader.Text("authority_id"), reader.Text("authority_name")),
        Subject = reader.Subject(),
        SubjectAlternativeNames = new SubjectAlternativeNames(
            dnsNames: reader.TextArray("san_dns"),
            ipAddresses: reader.TextArray("san_ip").Select(IPAddress.Parse),
            emailAddresses: reader.TextArray("san_email"),
            uris: reader.TextArray("san_uri").Select(u => new Uri(u, UriKind.RelativeOrAbsolute))),
        Csr = reader.NullableText("csr"),
        IssuedOn = reader.Instant("issued_on"),
        ExpiresOn = reader.Instant("expires_on"),
        ValidityDays = reader.Integer("validity_days"),
        SerialNumber = SerialNumber.FromBytes(reader.Bytes("serial_number")),
        FingerprintSha256 = reader.Text("fingerprint_sha256"),
        SubjectKeyIdentifier = reader.Text("subject_key_identifier"),
        SignatureAlgorithm = reader.Text("signature_algorithm"),
        Type = (CertificateType)reader.Smallint("type"),
        Profile = reader.Text("profile"),
        PublicKeyAlgorithm = reader.Text("public_key_algorithm"),
        PublicKeySize = reader.Integer("public_key_size"),
        OwnerOrganization = reader.NullableText("owner_organization"),
        Status = (CertificateStatus)reader.Smallint("status"),
        RevokedAt = reader.NullableInstant("revoked_at"),
        RevocationReason = (RevocationReason?)reader.NullableSmallint("revocation_reason"),
        InvalidityDate = reader.NullableInstant("invalidity_date"),
        RevocationComment = reader.NullableText("revocation_comment"),
        StatusChangedAt = reader.NullableInstant("status_changed_at"),
        TokenId = reader.NullableText("token_id"),
        Name = reader.NullableText("name"),
        PrivateKeyId = reader.NullableText("private_key_id"),
    };
}
