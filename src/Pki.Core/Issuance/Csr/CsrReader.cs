using System.Formats.Asn1;

namespace Pki.Core.Issuance.Csr;

/// <summary>Turns hostile PEM or DER into a <see cref="ParsedCsr"/> or a <see cref="PkiException"/>; nothing else escapes.</summary>
/// <remarks>
/// <para>
/// The checks run in one fixed order, cheapest first, and the first failure wins:
/// size limit (<see cref="PkiErrorCode.InputTooLarge"/>) → PEM armour and strict DER structure of the whole request,
/// including the subject and the requested extensions (<see cref="PkiErrorCode.InvalidCsr"/>,
/// <see cref="PkiErrorCode.InvalidName"/>, <see cref="PkiErrorCode.InvalidSubjectAlternativeName"/>,
/// <see cref="PkiErrorCode.InputTooLarge"/>) → key policy (<see cref="PkiErrorCode.UnsupportedAlgorithm"/>,
/// <see cref="PkiErrorCode.WeakKey"/>) → signature algorithm (<see cref="PkiErrorCode.UnsupportedAlgorithm"/>) →
/// key import and signature (<see cref="PkiErrorCode.WeakKey"/>, <see cref="PkiErrorCode.CsrSignatureInvalid"/>).
/// So an RSA-1024 CSR with a broken signature reports <see cref="PkiErrorCode.WeakKey"/>.
/// </para>
/// <para>Requested extensions other than subjectAltName and basicConstraints are read for well-formedness only.</para>
/// </remarks>
internal static class CsrReader
{
    /// <summary>Reads the one CSR PEM block in <paramref name="pem"/> (text around it is ignored).</summary>
    /// <exception cref="PkiException">See the class remarks for the codes.</exception>
    public static ParsedCsr Read(string pem, CsrLimits limits, KeyPolicyOptions keyPolicy)
    {
        ArgumentNullException.ThrowIfNull(pem);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(keyPolicy);
        CheckSize(pem.Length, limits);
        return ReadCore(CsrPem.Decode(pem), limits, keyPolicy);
    }

    /// <summary>Reads a DER-encoded CSR.</summary>
    /// <exception cref="PkiException">See the class remarks for the codes.</exception>
    public static ParsedCsr Read(ReadOnlyMemory<byte> der, CsrLimits limits, KeyPolicyOptions keyPolicy)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(keyPolicy);
        return ReadCore(der, limits, keyPolicy);
    }

    private static ParsedCsr ReadCore(ReadOnlyMemory<byte> der, CsrLimits limits, KeyPolicyOptions keyPolicy)
    {
        CheckSize(der.Length, limits);
        try
        {
            CsrStructure structure = CsrStructure.Parse(der);
            DistinguishedName subject = SubjectNameReader.Read(structure.Subject, limits);
            RequestedExtensions requested = RequestedExtensionsReader.Read(structure.Attributes, limits);
            CheckedPublicKey key = PublicKeyPolicy.Check(structure.SubjectPublicKeyInfo, keyPolicy);
            CsrSignatureAlgorithm algorithm = CsrSignatureAlgorithm.Parse(structure.SignatureAlgorithm, keyPolicy);
            CsrSignatureVerifier.Verify(key, algorithm, structure.CertificationRequestInfo.Span, structure.Signature.Span);
            return new ParsedCsr(der, subject, key.PublicKey, requested.Names, requested.RequestsCertificateAuthority);
        }
        catch (AsnContentException ex)
        {
            throw new PkiException(PkiErrorCode.InvalidCsr, "The CSR is not a well-formed DER PKCS#10 request (RFC 2986).", ex);
        }
    }

    private static void CheckSize(int length, CsrLimits limits)
    {
        if (length > limits.MaximumSize)
        {
            throw new PkiException(PkiErrorCode.InputTooLarge, $"The CSR is larger than {limits.MaximumSize} bytes.");
        }
    }
}
