namespace Pki.Core;

/// <summary>A generated CSR and the id of its private key, kept encrypted until a certificate is issued for it.</summary>
/// <param name="CsrPem">The PKCS#10 request in PEM (<c>-----BEGIN CERTIFICATE REQUEST-----</c>).</param>
/// <param name="PrivateKeyId">The id of the pending private key in the <see cref="IPrivateKeyStore"/>.</param>
/// <param name="Key">The generated key's specification.</param>
public sealed record GeneratedCsr(string CsrPem, string PrivateKeyId, KeySpecification Key);
