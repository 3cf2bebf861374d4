namespace Pki.Core.Issuance.Csr;

/// <summary>Turns hostile PEM or DER into a <see cref="ParsedCsr"/> or a <see cref="PkiException"/>; nothing else escapes.</summary>
internal static class CsrReader
{
    public static ParsedCsr Read(string pem, CsrLimits limits, KeyPolicyOptions keyPolicy) =>
        throw new NotImplementedException();

    public static ParsedCsr Read(ReadOnlyMemory<byte> der, CsrLimits limits, KeyPolicyOptions keyPolicy) =>
        throw new NotImplementedException();
}
