using System.Security.Cryptography;
using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>Builds sample request tokens for store tests: every field filled, random ids and hashes, whole-second UTC dates.</summary>
public static class ConformanceTokens
{
    /// <summary>An unused token of <paramref name="authority"/> that expires 7 days after <see cref="ConformanceRecords.BaseTime"/>.</summary>
    /// <param name="authority">The issuing CA.</param>
    /// <param name="id">The id, or null for <see cref="ConformanceRecords.NewId"/>.</param>
    /// <param name="ownerOrganization">The owning organization.</param>
    /// <param name="secretHash">The 32-byte secret hash, or null for random bytes.</param>
    public static StoredRequestToken Token(AuthoritySummary authority, string? id = null, string? ownerOrganization = "Acme Corp", byte[]? secretHash = null)
    {
        ArgumentNullException.ThrowIfNull(authority);
        string suffix = RandomNumberGenerator.GetHexString(8, lowercase: true);
        var record = new RequestTokenRecord
        {
            Id = id ?? ConformanceRecords.NewId(),
            Name = "api-service-cert " + suffix,
            Authority = authority,
            CommonName = "api-" + suffix + ".example.com",
            Organization = "Example Corp",
            OrganizationalUnit = "API Sérvices",
            ValidityDays = 365,
            Profile = "client",
            OwnerOrganization = ownerOrganization,
            CreatedAt = ConformanceRecords.BaseTime,
            ExpiresAt = ConformanceRecords.BaseTime.AddDays(7),
        };
        return new StoredRequestToken(record, secretHash ?? RandomNumberGenerator.GetBytes(32));
    }

    /// <summary>A certificate for redeeming a token of <paramref name="authority"/> (no token id set; the store does not need one).</summary>
    public static CertificateRecord Certificate(AuthoritySummary authority, SerialNumber? serialNumber = null) =>
        ConformanceRecords.Certificate(authority, serialNumber: serialNumber) with { TokenId = null };
}
