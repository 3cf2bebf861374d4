namespace Pki.Core;

/// <summary>
/// Creates, imports and finds certificate authorities, issues certificates with library-generated keys, and reads
/// issued certificates back.
/// </summary>
public interface ICertificateAuthority
{
    /// <summary>Creates a self-signed root CA with a new key.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.Conflict"/> when the name is taken in the organization;
    /// <see cref="PkiErrorCode.InvalidRequest"/> for out-of-range values.</exception>
    ValueTask<AuthorityRecord> CreateRootAsync(CreateRootAuthorityRequest request, CancellationToken cancellationToken = default);

    /// <summary>Creates an intermediate CA with a new key, signed by a parent CA the library holds.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/>, <see cref="PkiErrorCode.AuthorityUnavailable"/>,
    /// <see cref="PkiErrorCode.PolicyViolation"/> (the parent's path length forbids it), <see cref="PkiErrorCode.Conflict"/>.</exception>
    ValueTask<AuthorityRecord> CreateIntermediateAsync(CreateIntermediateAuthorityRequest request, CancellationToken cancellationToken = default);

    /// <summary>Imports an existing CA certificate and key (PEM or PKCS#12).</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidKey"/> when the key is malformed or does not match;
    /// <see cref="PkiErrorCode.NotACertificateAuthority"/> when the certificate is not a CA; <see cref="PkiErrorCode.Conflict"/>.</exception>
    ValueTask<AuthorityRecord> ImportAsync(ImportAuthorityRequest request, CancellationToken cancellationToken = default);

    /// <summary>Gets a CA by id or by name.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/>.</exception>
    ValueTask<AuthorityRecord> GetAsync(CaReference authority, CancellationToken cancellationToken = default);

    /// <summary>Lists CAs, ordered by id.</summary>
    IAsyncEnumerable<AuthorityRecord> ListAsync(AuthorityQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>Returns the CA's certificate followed by its parents up to the root, in PEM.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/>.</exception>
    ValueTask<string> GetChainPemAsync(CaReference authority, CancellationToken cancellationToken = default);

    /// <summary>Issues a certificate for a key the library generates, through the same pipeline as CSR signing.</summary>
    /// <exception cref="PkiException">See <see cref="ICsrSigner.SignAsync"/>.</exception>
    ValueTask<IssuedCertificate> IssueAsync(IssueCertificateRequest request, CancellationToken cancellationToken = default);

    /// <summary>Gets an issued certificate by id.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.CertificateNotFound"/>.</exception>
    ValueTask<CertificateRecord> GetCertificateAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Lists issued certificates, ordered by id.</summary>
    IAsyncEnumerable<CertificateRecord> ListCertificatesAsync(CertificateQuery? query = null, CancellationToken cancellationToken = default);
}
