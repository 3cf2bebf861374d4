using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Pki.Core.Issuance.Csr;

/// <summary>
/// ECDSA verification of a CSR's proof of possession directly with OpenSSL's <c>EC_KEY</c> functions, for the NIST
/// curves, when the process runs on Linux with OpenSSL 3 (as .NET does there).
/// </summary>
/// <remarks>
/// <para>
/// Why: .NET's <c>ECDsa.ImportSubjectPublicKeyInfo</c> runs OpenSSL's <c>EC_KEY_check_key</c>, whose full public-key
/// check multiplies the point by the group order — ≈ 140 µs for a P-256 key on the reference machine, twice the cost of
/// the verification itself (docs/performance.md). OpenSSL 3's provider API (<c>EVP_PKEY_fromdata</c>,
/// <c>EVP_DigestVerify</c>) avoids that but looks up its algorithms by name on every call (≈ 25 µs more than this path
/// per P-256 verification). Here the uncompressed point is decoded into an <c>EC_KEY</c> on a copy of a group built once
/// per curve (<c>EC_KEY_oct2key</c> refuses coordinates outside the field and a point off the curve), checked again
/// (on the curve, not the point at infinity), and the digest computed by .NET is verified with <c>ECDSA_verify</c>,
/// which accepts only DER (it re-encodes the signature and compares). For P-256, P-384 and P-521 the cofactor is 1, so a
/// point that passes is in the prime-order group and the order multiplication adds nothing (NIST SP 800-56A rev. 3,
/// section 5.6.2.3.4; RFC 5480 section 2.2). The <c>EC_KEY</c> functions are deprecated in OpenSSL 3.0 headers but
/// exported by every libcrypto.so.3 (.NET's own EC code uses them).
/// </para>
/// <para>
/// When this path is not available — not Linux, not OpenSSL 3, libcrypto.so.3 not loadable, or the self-test at
/// first use fails — <see cref="TryVerify"/> returns null and the caller uses .NET's <see cref="ECDsa"/>; so it does
/// for a point that is not in uncompressed form. The self-test verifies a good and a tampered signature made with
/// .NET's own <see cref="ECDsa"/> and rejects an off-curve point.
/// </para>
/// </remarks>
internal static partial class OpenSslEcdsaVerifier
{
    private const string LibCrypto = "libcrypto.so.3";
    private const byte Uncompressed = 0x04;

    // The groups, built once (EC_GROUP_new_by_curve_name) and never freed: each key gets its own copy (EC_KEY_set_group).
    private static readonly Lazy<IntPtr> s_p256 = new(() => Native.EC_GROUP_new_by_curve_name(415)); // NID_X9_62_prime256v1
    private static readonly Lazy<IntPtr> s_p384 = new(() => Native.EC_GROUP_new_by_curve_name(715)); // NID_secp384r1
    private static readonly Lazy<IntPtr> s_p521 = new(() => Native.EC_GROUP_new_by_curve_name(716)); // NID_secp521r1

    private static readonly Lazy<bool> s_available = new(Probe, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>True when the OpenSSL 3 path is usable in this process (see the remarks).</summary>
    public static bool IsAvailable => s_available.Value;

    /// <summary>
    /// Verifies <paramref name="signature"/> (DER ECDSA-Sig-Value) over <paramref name="data"/> with the uncompressed
    /// <paramref name="point"/> on the curve of <paramref name="curveBits"/> bits. Null when this path cannot answer.
    /// </summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.WeakKey"/> when the point is not a valid point of the curve.</exception>
    public static bool? TryVerify(int curveBits, ReadOnlySpan<byte> point, HashAlgorithmName hash, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        IsAvailable ? VerifyCore(curveBits, point, hash, data, signature) : null;

    /// <summary>The OpenSSL path without the availability check (tests call it directly).</summary>
    internal static unsafe bool? VerifyCore(int curveBits, ReadOnlySpan<byte> point, HashAlgorithmName hash, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        (Lazy<IntPtr>? group, int fieldBytes) = curveBits switch
        {
            256 => (s_p256, 32),
            384 => (s_p384, 48),
            521 => (s_p521, 66),
            _ => (null, 0),
        };
        bool knownHash = hash.Name is "SHA256" or "SHA384" or "SHA512";
        if (group is null || !knownHash || signature.IsEmpty || data.IsEmpty
            || point.Length != 1 + (2 * fieldBytes) || point[0] != Uncompressed || group.Value == IntPtr.Zero)
        {
            return null;
        }

        Span<byte> digest = stackalloc byte[SHA512.HashSizeInBytes];
        int digestLength = hash.Name switch
        {
            "SHA256" => SHA256.HashData(data, digest),
            "SHA384" => SHA384.HashData(data, digest),
            _ => SHA512.HashData(data, digest),
        };

        IntPtr key = Native.EC_KEY_new();
        if (key == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            if (Native.EC_KEY_set_group(key, group.Value) != 1)
            {
                Native.ERR_clear_error();
                return null;
            }

            fixed (byte* pointBytes = point)
            fixed (byte* digestBytes = digest)
            fixed (byte* signatureBytes = signature)
            {
                if (Native.EC_KEY_oct2key(key, pointBytes, (nuint)point.Length, IntPtr.Zero) != 1 || !PublicKeyIsValid(key))
                {
                    Native.ERR_clear_error();
                    throw new PkiException(PkiErrorCode.WeakKey, "The EC public key is not a valid point on its curve.");
                }

                // 1: valid; 0: the signature does not verify; -1: it could not be decoded (not DER). Both are invalid.
                int result = Native.ECDSA_verify(0, digestBytes, digestLength, signatureBytes, signature.Length, key);
                if (result != 1)
                {
                    Native.ERR_clear_error();
                }

                return result == 1;
            }
        }
        finally
        {
            Native.EC_KEY_free(key);
        }
    }

    /// <summary>The decoded point is on the key's curve and is not the point at infinity.</summary>
    private static bool PublicKeyIsValid(IntPtr key)
    {
        IntPtr group = Native.EC_KEY_get0_group(key);
        IntPtr publicKey = Native.EC_KEY_get0_public_key(key);
        return group != IntPtr.Zero && publicKey != IntPtr.Zero
            && Native.EC_POINT_is_at_infinity(group, publicKey) == 0
            && Native.EC_POINT_is_on_curve(group, publicKey, IntPtr.Zero) == 1;
    }

    /// <summary>Linux, OpenSSL 3 under .NET, libcrypto.so.3 loadable, and the self-test passes.</summary>
    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            if (SafeEvpPKeyHandle.OpenSslVersion < 0x3000_0000L || !NativeLibrary.TryLoad(LibCrypto, typeof(OpenSslEcdsaVerifier).Assembly, null, out _))
            {
                return false;
            }

            return SelfTest();
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or PkiException or CryptographicException)
        {
            return false;
        }
    }

    private static bool SelfTest()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] data = "Pki.Core OpenSSL ECDSA self-test"u8.ToArray();
        byte[] signature = key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var parameters = key.ExportParameters(includePrivateParameters: false);
        byte[] point = [0x04, .. parameters.Q.X!, .. parameters.Q.Y!];
        if (VerifyCore(256, point, HashAlgorithmName.SHA256, data, signature) != true)
        {
            return false;
        }

        signature[^1] ^= 0x01;
        if (VerifyCore(256, point, HashAlgorithmName.SHA256, data, signature) != false)
        {
            return false;
        }

        point[^1] ^= 0x01; // (x, y') with y' ≠ ±y is off the curve: the import must refuse it
        try
        {
            VerifyCore(256, point, HashAlgorithmName.SHA256, data, signature);
            return false;
        }
        catch (PkiException ex) when (ex.Code == PkiErrorCode.WeakKey)
        {
            return true;
        }
    }

    private static class Native
    {
        [DllImport(LibCrypto, ExactSpelling = true)]
        public static extern void ERR_clear_error();

        [DllImport(LibCrypto, ExactSpelling = true)]
        public static extern IntPtr EC_GROUP_new_by_curve_name(int nid);

        [DllImport(LibCrypto, ExactSpelling = true)]
        public static extern IntPtr EC_KEY_new();

        [DllImport(LibCrypto, ExactSpelling = true)]
        public static extern void EC_KEY_free(IntPtr key);

        [DllImport(LibCrypto, ExactSpelling = true)]
        public static extern int EC_KEY_set_group(IntPtr key, IntPtr group);

        [DllImport(LibCrypto, ExactSpelling = true)]
        public static extern unsafe int EC_KEY_oct2key(IntPtr key, byte* encoded, nuint length, IntPtr bignumContext);

        [DllImport(LibCrypto, ExactSpelling = true)]
        public static extern IntPtr EC_KEY_get0_group(IntPtr key);

        [DllImport(LibCrypto, ExactSpelling = true)]
        public static extern IntPtr EC_KEY_get0_public_key(IntPtr key);

        [DllImport(LibCrypto, ExactSpelling = true)]
        public static extern int EC_POINT_is_at_infinity(IntPtr group, IntPtr point);

        [DllImport(LibCrypto, ExactSpelling = true)]
        public static extern int EC_POINT_is_on_curve(IntPtr group, IntPtr point, IntPtr bignumContext);

        [DllImport(LibCrypto, ExactSpelling = true)]
        public static extern unsafe int ECDSA_verify(int type, byte* digest, int digestLength, byte* signature, int signatureLength, IntPtr key);
    }
}
