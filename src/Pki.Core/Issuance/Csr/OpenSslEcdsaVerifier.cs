using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Pki.Core.Issuance.Csr;

/// <summary>
/// ECDSA verification of a CSR's proof of possession directly with OpenSSL 3's provider API, for the NIST curves, when
/// the process runs on Linux with OpenSSL 3 (as .NET does there).
/// </summary>
/// <remarks>
/// <para>
/// Why: .NET's <c>ECDsa.ImportSubjectPublicKeyInfo</c> goes through OpenSSL's legacy <c>EC_KEY</c> and
/// <c>EC_KEY_check_key</c>, whose full public-key check multiplies the point by the group order — ≈ 140 µs for a P-256
/// key on the reference machine, twice the cost of the verification itself (docs/performance.md). Here the key is
/// built with <c>EVP_PKEY_fromdata</c> (named group + uncompressed point), which rejects a point that is not on the
/// curve, and then checked again with <c>EVP_PKEY_public_check_quick</c> (coordinates in range, on the curve, not
/// the point at infinity). For P-256, P-384 and P-521 the cofactor is 1, so a point that passes is in the prime-order
/// group and the order multiplication adds nothing (NIST SP 800-56A rev. 3, section 5.6.2.3.4; RFC 5480 section 2.2).
/// The signature is verified with <c>EVP_DigestVerify</c>, whose ECDSA decoder accepts only DER (it re-encodes and
/// compares), like .NET's <see cref="DSASignatureFormat.Rfc3279DerSequence"/>.
/// </para>
/// <para>
/// When this path is not available — not Linux, not OpenSSL 3, libcrypto.so.3 not loadable, or the self-test at
/// first use fails — <see cref="TryVerify"/> returns null and the caller uses .NET's <see cref="ECDsa"/>. The self-test
/// verifies a good and a tampered signature made with .NET's own <see cref="ECDsa"/> and rejects an off-curve point.
/// </para>
/// </remarks>
internal static partial class OpenSslEcdsaVerifier
{
    private const string LibCrypto = "libcrypto.so.3";
    private const int PublicKeySelection = 0x86; // OSSL_KEYMGMT_SELECT_PUBLIC_KEY | OSSL_KEYMGMT_SELECT_ALL_PARAMETERS

    // UTF-8, NUL-terminated, allocated once for the life of the process (OSSL_PARAM keys and values).
    private static readonly IntPtr s_groupKey = Marshal.StringToCoTaskMemUTF8("group");
    private static readonly IntPtr s_pubKey = Marshal.StringToCoTaskMemUTF8("pub");
    private static readonly IntPtr s_p256 = Marshal.StringToCoTaskMemUTF8("prime256v1");
    private static readonly IntPtr s_p384 = Marshal.StringToCoTaskMemUTF8("secp384r1");
    private static readonly IntPtr s_p521 = Marshal.StringToCoTaskMemUTF8("secp521r1");

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
    internal static bool? VerifyCore(int curveBits, ReadOnlySpan<byte> point, HashAlgorithmName hash, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        (IntPtr group, nuint groupLength) = curveBits switch
        {
            256 => (s_p256, (nuint)"prime256v1".Length),
            384 => (s_p384, (nuint)"secp384r1".Length),
            521 => (s_p521, (nuint)"secp521r1".Length),
            _ => (IntPtr.Zero, (nuint)0),
        };
        string? digest = hash.Name switch
        {
            "SHA256" => "SHA256",
            "SHA384" => "SHA384",
            "SHA512" => "SHA512",
            _ => null,
        };
        if (group == IntPtr.Zero || digest is null || point.IsEmpty || signature.IsEmpty || data.IsEmpty)
        {
            return null;
        }

        IntPtr key = ImportPublicKey(group, groupLength, point);
        if (key == IntPtr.Zero)
        {
            Native.ERR_clear_error();
            throw new PkiException(PkiErrorCode.WeakKey, "The EC public key is not a valid point on its curve.");
        }

        IntPtr digestContext = IntPtr.Zero;
        try
        {
            if (!PublicKeyIsValid(key))
            {
                Native.ERR_clear_error();
                throw new PkiException(PkiErrorCode.WeakKey, "The EC public key is not a valid point on its curve.");
            }

            digestContext = Native.EVP_MD_CTX_new();
            if (digestContext == IntPtr.Zero
                || Native.EVP_DigestVerifyInit_ex(digestContext, IntPtr.Zero, digest, IntPtr.Zero, IntPtr.Zero, key, IntPtr.Zero) != 1)
            {
                Native.ERR_clear_error();
                return null;
            }

            int result = Native.EVP_DigestVerify(
                digestContext,
                ref MemoryMarshal.GetReference(signature), (nuint)signature.Length,
                ref MemoryMarshal.GetReference(data), (nuint)data.Length);
            if (result != 1)
            {
                // 0: the signature does not verify; negative: it could not be decoded (not DER). Both are invalid.
                Native.ERR_clear_error();
            }

            return result == 1;
        }
        finally
        {
            if (digestContext != IntPtr.Zero)
            {
                Native.EVP_MD_CTX_free(digestContext);
            }

            Native.EVP_PKEY_free(key);
        }
    }

    /// <summary>EVP_PKEY_fromdata with the named group and the encoded point; zero when OpenSSL refuses the point.</summary>
    private static unsafe IntPtr ImportPublicKey(IntPtr group, nuint groupLength, ReadOnlySpan<byte> point)
    {
        IntPtr context = Native.EVP_PKEY_CTX_new_from_name(IntPtr.Zero, "EC", IntPtr.Zero);
        if (context == IntPtr.Zero)
        {
            return IntPtr.Zero;
        }

        try
        {
            if (Native.EVP_PKEY_fromdata_init(context) != 1)
            {
                return IntPtr.Zero;
            }

            fixed (byte* pointBytes = point)
            {
                // OSSL_PARAM[]: { "group", UTF8_STRING, name }, { "pub", OCTET_STRING, point }, end marker. OpenSSL reads
                // them during the call only, while the point is pinned; the names are static unmanaged strings.
                OsslParam* parameters = stackalloc OsslParam[3];
                parameters[0] = new OsslParam(s_groupKey, OsslParam.Utf8String, group, groupLength);
                parameters[1] = new OsslParam(s_pubKey, OsslParam.OctetString, (IntPtr)pointBytes, (nuint)point.Length);
                parameters[2] = default;
                return Native.EVP_PKEY_fromdata(context, out IntPtr key, PublicKeySelection, parameters) == 1 ? key : IntPtr.Zero;
            }
        }
        finally
        {
            Native.EVP_PKEY_CTX_free(context);
        }
    }

    private static bool PublicKeyIsValid(IntPtr key)
    {
        IntPtr context = Native.EVP_PKEY_CTX_new_from_pkey(IntPtr.Zero, key, IntPtr.Zero);
        if (context == IntPtr.Zero)
        {
            return false;
        }

        try
        {
            return Native.EVP_PKEY_public_check_quick(context) == 1;
        }
        finally
        {
            Native.EVP_PKEY_CTX_free(context);
        }
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

    /// <summary>OpenSSL's <c>OSSL_PARAM</c> (include/openssl/core.h).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly struct OsslParam(IntPtr key, uint dataType, IntPtr data, nuint dataSize)
    {
        public const uint Utf8String = 4;
        public const uint OctetString = 5;

        public readonly IntPtr Key = key;
        public readonly uint DataType = dataType;
        public readonly IntPtr Data = data;
        public readonly nuint DataSize = dataSize;
        public readonly nuint ReturnSize = unchecked((nuint)(-1)); // OSSL_PARAM_UNMODIFIED
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Globalization", "CA2101:Specify marshaling for P/Invoke string arguments",
        Justification = "Every string is marshalled explicitly as UTF-8 (LPUTF8Str), which is what OpenSSL expects; CA2101 only knows CharSet.")]
    private static class Native
    {
        [DllImport(LibCrypto, ExactSpelling = true)]
        public static extern void ERR_clear_error();

        [DllImport(LibCrypto, ExactSpelling = true)]
        public static extern IntPtr EVP_PKEY_CTX_new_from_name(IntPtr libraryContext, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, IntPtr properties);

        [DllImport(LibCrypto, ExactSpelling = true)]
        public static extern IntPtr EVP_PKEY_CTX_new_from_pkey(IntPtr libraryContext, IntPtr key, IntPtr properties);

        [DllImport(LibCrypto, ExactSpelling = true)]
        public static extern void EVP_PKEY_CTX_free(IntPtr context);

        [DllImport(LibCrypto, ExactSpelling = true)]
        public static extern int EVP_PKEY_fromdata_init(IntPtr context);

        [DllImport(LibCrypto, ExactSpelling = true)]
        public static extern unsafe int EVP_PKEY_fromdata(IntPtr context, out IntPtr key, int selection, OsslParam* parameters);

        [DllImport(LibCrypto, ExactSpelling = true)]
        public static extern int EVP_PKEY_public_check_quick(IntPtr context);

        [DllImport(LibCrypto, ExactSpelling = true)]
        public static extern void EVP_PKEY_free(IntPtr key);

        [DllImport(LibCrypto, ExactSpelling = true)]
        public static extern IntPtr EVP_MD_CTX_new();

        [DllImport(LibCrypto, ExactSpelling = true)]
        public static extern void EVP_MD_CTX_free(IntPtr context);

        [DllImport(LibCrypto, ExactSpelling = true)]
        public static extern int EVP_DigestVerifyInit_ex(
            IntPtr context, IntPtr keyContext, [MarshalAs(UnmanagedType.LPUTF8Str)] string digest, IntPtr libraryContext, IntPtr properties, IntPtr key, IntPtr parameters);

        [DllImport(LibCrypto, ExactSpelling = true)]
        public static extern int EVP_DigestVerify(IntPtr context, ref byte signature, nuint signatureLength, ref byte data, nuint dataLength);
    }
}
