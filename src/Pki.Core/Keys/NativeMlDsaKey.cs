using System.Security.Cryptography;

// The PKCS#8 and SubjectPublicKeyInfo members of MLDsa are still marked for evaluation (SYSLIB5006) in .NET 10.
#pragma warning disable SYSLIB5006

namespace Pki.Core.Keys;

/// <summary>
/// ML-DSA through .NET's <see cref="MLDsa"/> (OpenSSL 3.5+, Windows CNG). Used only when <see cref="MLDsa.IsSupported"/>;
/// on OpenSSL 3.0 it is false and BouncyCastle signs instead, so this branch is untested there.
/// </summary>
internal sealed class NativeMlDsaKey : MlDsaKey
{
    private readonly MLDsa _key;
    private readonly byte[] _subjectPublicKeyInfo;

    private NativeMlDsaKey(KeyAlgorithm algorithm, MLDsa key)
        : base(algorithm)
    {
        _key = key;
        _subjectPublicKeyInfo = key.ExportSubjectPublicKeyInfo();
    }

    public static bool IsSupported { get; } = MLDsa.IsSupported;

    public override byte[] SubjectPublicKeyInfo => _subjectPublicKeyInfo;

    public static new NativeMlDsaKey Generate(KeyAlgorithm algorithm) => new(algorithm, MLDsa.GenerateKey(Map(algorithm)));

    public static new NativeMlDsaKey FromPkcs8(KeyAlgorithm algorithm, ReadOnlySpan<byte> pkcs8)
    {
        MLDsa key;
        try
        {
            key = MLDsa.ImportPkcs8PrivateKey(pkcs8);
        }
        catch (CryptographicException ex)
        {
            throw Invalid(ex);
        }

        if (key.Algorithm != Map(algorithm))
        {
            key.Dispose();
            throw new PkiException(PkiErrorCode.InvalidKey, $"The private key is not an {algorithm} key.");
        }

        return new NativeMlDsaKey(algorithm, key);
    }

    public override byte[] Sign(ReadOnlySpan<byte> data)
    {
        byte[] signature = new byte[MlDsaParameterSets.SignatureSize(Algorithm)];
        _key.SignData(data, signature);
        return signature;
    }

    public override byte[] ExportPkcs8() => _key.ExportPkcs8PrivateKey();

    public override void Dispose()
    {
        _key.Dispose();
        base.Dispose();
    }

    private static MLDsaAlgorithm Map(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.MlDsa44 => MLDsaAlgorithm.MLDsa44,
        KeyAlgorithm.MlDsa65 => MLDsaAlgorithm.MLDsa65,
        _ => MLDsaAlgorithm.MLDsa87,
    };
}
