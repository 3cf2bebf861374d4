namespace Pki.Core;

/// <summary>Chooses an issued certificate either by its record id or by its issuing CA and serial number.</summary>
public sealed record CertificateReference
{
    private CertificateReference(string? id, CaReference? authority, SerialNumber serialNumber)
    {
        Id = id;
        Authority = authority;
        SerialNumber = serialNumber;
    }

    /// <summary>The certificate id, when chosen by id.</summary>
    public string? Id { get; }

    /// <summary>The issuing CA, when chosen by serial number.</summary>
    public CaReference? Authority { get; }

    /// <summary>The serial number, when chosen by serial number; empty otherwise.</summary>
    public SerialNumber SerialNumber { get; }

    /// <summary>Chooses the certificate with record id <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="id"/> is null or blank.</exception>
    public static CertificateReference ById(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return new CertificateReference(id, null, default);
    }

    /// <summary>Chooses the certificate with serial number <paramref name="serialNumber"/> issued by <paramref name="authority"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="serialNumber"/> is empty.</exception>
    public static CertificateReference BySerialNumber(CaReference authority, SerialNumber serialNumber)
    {
        ArgumentNullException.ThrowIfNull(authority);
        if (serialNumber.IsEmpty)
        {
            throw new ArgumentException("The serial number is empty.", nameof(serialNumber));
        }

        return new CertificateReference(null, authority, serialNumber);
    }

    /// <inheritdoc />
    public override string ToString() => Id is not null ? $"certificate {Id}" : $"certificate with serial {SerialNumber} of {Authority}";
}
