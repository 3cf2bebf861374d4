namespace Pki.Core;

/// <summary>Persists issued certificates. Thin: business rules live in the engine.</summary>
public interface ICertificateStore
{
    /// <summary>Adds a certificate record atomically: either all of it is stored or nothing.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.DuplicateSerialNumber"/> when the CA already has a certificate
    /// with this serial number; <see cref="PkiErrorCode.Conflict"/> when the id exists.</exception>
    ValueTask AddAsync(CertificateRecord certificate, CancellationToken cancellationToken);

    /// <summary>Gets a certificate by id, or null.</summary>
    ValueTask<CertificateRecord?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Finds a certificate by CA and serial number, or null.</summary>
    ValueTask<CertificateRecord?> FindBySerialNumberAsync(string authorityId, SerialNumber serialNumber, CancellationToken cancellationToken);

    /// <summary>Lists certificates matching <paramref name="query"/>, ordered by id (ordinal), at most <see cref="CertificateQuery.Limit"/>.</summary>
    IAsyncEnumerable<CertificateRecord> QueryAsync(CertificateQuery query, CancellationToken cancellationToken);
}
