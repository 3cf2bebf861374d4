using Npgsql;
using Pki.Core;

namespace Pki.Storage.PostgreSql;

/// <summary>The mapping between <see cref="AuthorityRecord"/> and a <c>pki_authorities</c> row.</summary>
internal static class AuthorityRows
{
    public const string Columns =
        "id, name, organization, parent_id, is_root, subject_oids, subject_values, certificate_pem, key_algorithm, key_id, "
        + "alternative_key_algorithm, alternative_key_id, serial_number, not_before, not_after, subject_key_identifier, fingerprint_sha256, "
        + "path_length_constraint, has_name_constraints, nc_permitted_dns, nc_excluded_dns, nc_permitted_ip, nc_excluded_ip, "
        + "nc_permitted_email, nc_excluded_email, status, crl_distribution_point, ocsp_responder, ca_issuers, created_at, "
        + "delta_crl_distribution_point";

    public const string Values =
        "@id, @name, @organization, @parent_id, @is_root, @subject_oids, @subject_values, @certificate_pem, @key_algorithm, @key_id, "
        + "@alternative_key_algorithm, @alternative_key_id, @serial_number, @not_before, @not_after, @subject_key_identifier, @fingerprint_sha256, "
        + "@path_length_constraint, @has_name_constraints, @nc_permitted_dns, @nc_excluded_dns, @nc_permitted_ip, @nc_excluded_ip, "
        + "@nc_permitted_email, @nc_excluded_email, @status, @crl_distribution_point, @ocsp_responder, @ca_issuers, @created_at, "
        + "@delta_crl_distribution_point";

    /// <summary>Sets every column parameter from <paramref name="authority"/>.</summary>
    public static void AddParameters(NpgsqlCommand command, AuthorityRecord authority)
    {
        command.AddText("id", authority.Id);
        command.AddText("name", authority.Name);
        command.AddText("organization", authority.Organization);
        command.AddText("parent_id", authority.ParentId);
        command.AddBoolean("is_root", authority.IsRoot);
        command.AddSubject(authority.Subject);
        command.AddText("certificate_pem", authority.CertificatePem);
        command.AddInteger("key_algorithm", (int)authority.KeyAlgorithm);
        command.AddText("key_id", authority.KeyId);
        command.AddInteger("alternative_key_algorithm", (int?)authority.AlternativeKeyAlgorithm);
        command.AddText("alternative_key_id", authority.AlternativeKeyId);
        command.AddBytes("serial_number", authority.SerialNumber.Bytes);
        command.AddBigint("not_before", PostgreSqlTime.ToTicks(authority.NotBefore));
        command.AddBigint("not_after", PostgreSqlTime.ToTicks(authority.NotAfter));
        command.AddText("subject_key_identifier", authority.SubjectKeyIdentifier);
        command.AddText("fingerprint_sha256", authority.FingerprintSha256);
        command.AddInteger("path_length_constraint", authority.PathLengthConstraint);
        var constraints = authority.NameConstraints;
        command.AddBoolean("has_name_constraints", constraints is not null);
        command.AddTextArray("nc_permitted_dns", constraints?.PermittedDnsDomains ?? []);
        command.AddTextArray("nc_excluded_dns", constraints?.ExcludedDnsDomains ?? []);
        command.AddTextArray("nc_permitted_ip", constraints?.PermittedIpRanges ?? []);
        command.AddTextArray("nc_excluded_ip", constraints?.ExcludedIpRanges ?? []);
        command.AddTextArray("nc_permitted_email", constraints?.PermittedEmailDomains ?? []);
        command.AddTextArray("nc_excluded_email", constraints?.ExcludedEmailDomains ?? []);
        command.AddSmallint("status", (int)authority.Status);
        command.AddText("crl_distribution_point", authority.CrlDistributionPoint?.OriginalString);
        command.AddText("ocsp_responder", authority.OcspResponder?.OriginalString);
        command.AddText("ca_issuers", authority.CaIssuers?.OriginalString);
        command.AddBigint("created_at", PostgreSqlTime.ToTicks(authority.CreatedAt));
        command.AddText("delta_crl_distribution_point", authority.DeltaCrlDistributionPoint?.OriginalString);
    }

    /// <summary>Reads the current row (selected with <see cref="Columns"/>).</summary>
    public static AuthorityRecord Read(NpgsqlDataReader reader) => new()
    {
        Id = reader.Text("id"),
        Name = reader.Text("name"),
        Organization = reader.NullableText("organization"),
        ParentId = reader.NullableText("parent_id"),
        IsRoot = reader.Boolean("is_root"),
        Subject = reader.Subject(),
        CertificatePem = reader.Text("certificate_pem"),
        KeyAlgorithm = (KeyAlgorithm)reader.Integer("key_algorithm"),
        KeyId = reader.Text("key_id"),
        AlternativeKeyAlgorithm = (KeyAlgorithm?)reader.NullableInteger("alternative_key_algorithm"),
        AlternativeKeyId = reader.NullableText("alternative_key_id"),
        SerialNumber = SerialNumber.FromBytes(reader.Bytes("serial_number")),
        NotBefore = reader.Instant("not_before"),
        NotAfter = reader.Instant("not_after"),
        SubjectKeyIdentifier = reader.Text("subject_key_identifier"),
        FingerprintSha256 = reader.Text("fingerprint_sha256"),
        PathLengthConstraint = reader.NullableInteger("path_length_constraint"),
        NameConstraints = reader.Boolean("has_name_constraints")
            ? new NameConstraints
            {
                PermittedDnsDomains = reader.TextArray("nc_permitted_dns"),
                ExcludedDnsDomains = reader.TextArray("nc_excluded_dns"),
                PermittedIpRanges = reader.TextArray("nc_permitted_ip"),
                ExcludedIpRanges = reader.TextArray("nc_excluded_ip"),
                PermittedEmailDomains = reader.TextArray("nc_permitted_email"),
                ExcludedEmailDomains = reader.TextArray("nc_excluded_email"),
            }
            : null,
        Status = (AuthorityStatus)reader.Smallint("status"),
        CrlDistributionPoint = reader.NullableUri("crl_distribution_point"),
        DeltaCrlDistributionPoint = reader.NullableUri("delta_crl_distribution_point"),
        OcspResponder = reader.NullableUri("ocsp_responder"),
        CaIssuers = reader.NullableUri("ca_issuers"),
        CreatedAt = reader.Instant("created_at"),
    };
}
