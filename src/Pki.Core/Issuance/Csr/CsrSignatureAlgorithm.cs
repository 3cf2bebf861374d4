using System.Formats.Asn1;
using System.Security.Cryptography;
using Pki.Core.Asn1;

namespace Pki.Core.Issuance.Csr;

/// <summary>A signature algorithm a CSR may be signed with.</summary>
/// <param name="KeyFamily">The key family it needs (see <see cref="CsrKeyFamilies"/>).</param>
/// <param name="Hash">The hash; default for Ed25519.</param>
/// <param name="Padding">For RSA: PKCS#1 v1.5, or PSS with MGF1 of the same hash and salt length = hash length.</param>
/// <param name="MlDsa">For ML-DSA: the parameter set, which must match the key's.</param>
internal readonly record struct CsrSignatureAlgorithm(string KeyFamily, HashAlgorithmName Hash, RSASignaturePadding? Padding, KeyAlgorithm? MlDsa = null)
{
    /// <summary>Reads the signatureAlgorithm AlgorithmIdentifier.</summary>
    /// <remarks>
    /// Accepted: sha{256,384,512}WithRSAEncryption with NULL or absent parameters (RFC 4055, section 5);
    /// RSASSA-PSS when <see cref="KeyPolicyOptions.AllowRsaPss"/> with SHA-2 hash, MGF1 with the same hash, salt
    /// length equal to the hash length and trailerField 1 (an explicitly encoded trailerField 1 is tolerated:
    /// it changes nothing in verification); ecdsa-with-SHA{256,384,512} without parameters (RFC 5758, section 3.2);
    /// Ed25519 without parameters (RFC 8410, section 6); id-ml-dsa-44/65/87 without parameters when
    /// <see cref="KeyPolicyOptions.AllowMlDsa"/> (RFC 9881, section 3). MD2, MD4, MD5, SHA-1, SHA-224, DSA and unknown algorithms
    /// are <see cref="PkiErrorCode.UnsupportedAlgorithm"/>.
    /// </remarks>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.UnsupportedAlgorithm"/> for an algorithm outside that list.</exception>
    /// <exception cref="AsnContentException">When the AlgorithmIdentifier is not DER.</exception>
    public static CsrSignatureAlgorithm Parse(ReadOnlyMemory<byte> algorithmIdentifier, KeyPolicyOptions policy)
    {
        (string oid, ReadOnlyMemory<byte>? parameters) = ReadAlgorithmIdentifier(new AsnReader(algorithmIdentifier, AsnEncodingRules.DER));
        switch (oid)
        {
            case Oids.Sha256WithRsaEncryption:
            case Oids.Sha384WithRsaEncryption:
            case Oids.Sha512WithRsaEncryption:
                if (parameters is not null && !PublicKeyPolicy.IsNull(parameters))
                {
                    throw Unsupported($"The signature algorithm {oid} must have NULL or absent parameters.");
                }

                HashAlgorithmName hash = oid switch
                {
                    Oids.Sha256WithRsaEncryption => HashAlgorithmName.SHA256,
                    Oids.Sha384WithRsaEncryption => HashAlgorithmName.SHA384,
                    _ => HashAlgorithmName.SHA512,
                };
                return new CsrSignatureAlgorithm(CsrKeyFamilies.Rsa, hash, RSASignaturePadding.Pkcs1);

            case Oids.RsassaPss:
                if (!policy.AllowRsaPss)
                {
                    throw Unsupported("RSASSA-PSS signatures are not allowed.");
                }

                return new CsrSignatureAlgorithm(CsrKeyFamilies.Rsa, ReadPssParameters(parameters), RSASignaturePadding.Pss);

            case Oids.EcdsaWithSha256:
            case Oids.EcdsaWithSha384:
            case Oids.EcdsaWithSha512:
                if (parameters is not null)
                {
                    throw Unsupported($"The signature algorithm {oid} must not have parameters (RFC 5758, section 3.2).");
                }

                HashAlgorithmName ecHash = oid switch
                {
                    Oids.EcdsaWithSha256 => HashAlgorithmName.SHA256,
                    Oids.EcdsaWithSha384 => HashAlgorithmName.SHA384,
                    _ => HashAlgorithmName.SHA512,
                };
                return new CsrSignatureAlgorithm(CsrKeyFamilies.Ecdsa, ecHash, null);

            case Oids.Ed25519:
                if (parameters is not null)
                {
                    throw Unsupported("Ed25519 signatures must not have parameters (RFC 8410, section 6).");
                }

                return new CsrSignatureAlgorithm(CsrKeyFamilies.Ed25519, default, null);

            case PqcOids.MlDsa44:
            case PqcOids.MlDsa65:
            case PqcOids.MlDsa87:
                if (!policy.AllowMlDsa)
                {
                    throw Unsupported("ML-DSA signatures are not allowed.");
                }

                if (parameters is not null)
                {
                    throw Unsupported("ML-DSA signatures must not have parameters (RFC 9881, section 3).");
                }

                return new CsrSignatureAlgorithm(CsrKeyFamilies.MlDsa, default, null, Keys.MlDsaParameterSets.FromOid(oid));

            default:
                throw Unsupported($"The signature algorithm {oid} is not supported (only SHA-2 RSA, RSASSA-PSS, ECDSA, Ed25519 and ML-DSA are).");
        }
    }

    // RSASSA-PSS-params ::= SEQUENCE {
    //   hashAlgorithm [0] HashAlgorithm DEFAULT sha1, maskGenAlgorithm [1] MaskGenAlgorithm DEFAULT mgf1SHA1,
    //   saltLength [2] INTEGER DEFAULT 20, trailerField [3] TrailerField DEFAULT trailerFieldBC }  (RFC 4055, section 3.1)
    private static HashAlgorithmName ReadPssParameters(ReadOnlyMemory<byte>? parameters)
    {
        if (parameters is not { } encoded || encoded.Span[0] != 0x30)
        {
            throw Unsupported("RSASSA-PSS parameters are missing; the defaults (SHA-1) are not accepted.");
        }

        var outer = new AsnReader(encoded, AsnEncodingRules.DER);
        AsnReader pss = outer.ReadSequence();
        outer.ThrowIfNotEmpty();

        AsnReader? hashField = ReadExplicit(pss, 0);
        AsnReader? maskField = ReadExplicit(pss, 1);
        AsnReader? saltField = ReadExplicit(pss, 2);
        AsnReader? trailerField = ReadExplicit(pss, 3);
        pss.ThrowIfNotEmpty();

        if (hashField is null || maskField is null || saltField is null)
        {
            throw Unsupported("RSASSA-PSS with a SHA-1 hash, SHA-1 MGF1 or the default salt length is not accepted.");
        }

        HashAlgorithmName hash = ReadHashAlgorithm(hashField);
        hashField.ThrowIfNotEmpty();

        (string maskOid, ReadOnlyMemory<byte>? maskParameters) = ReadAlgorithmIdentifier(maskField);
        maskField.ThrowIfNotEmpty();
        if (maskOid != Oids.Mgf1 || maskParameters is not { } maskHash)
        {
            throw Unsupported("RSASSA-PSS must use MGF1 (RFC 4055, section 2.2).");
        }

        var maskHashReader = new AsnReader(maskHash, AsnEncodingRules.DER);
        if (ReadHashAlgorithm(maskHashReader) != hash)
        {
            throw Unsupported("RSASSA-PSS must use MGF1 with the same hash as the signature.");
        }

        maskHashReader.ThrowIfNotEmpty();

        if (!saltField.TryReadInt32(out int saltLength) || saltLength != HashLength(hash))
        {
            throw Unsupported("RSASSA-PSS salt length must equal the hash length.");
        }

        saltField.ThrowIfNotEmpty();

        if (trailerField is not null)
        {
            if (!trailerField.TryReadInt32(out int trailer) || trailer != 1)
            {
                throw Unsupported("RSASSA-PSS trailerField must be 1 (trailerFieldBC).");
            }

            trailerField.ThrowIfNotEmpty();
        }

        return hash;
    }

    private static AsnReader? ReadExplicit(AsnReader reader, int tagNumber)
    {
        var tag = new Asn1Tag(TagClass.ContextSpecific, tagNumber, isConstructed: true);
        return reader.HasData && reader.PeekTag() == tag ? reader.ReadSequence(tag) : null;
    }

    private static HashAlgorithmName ReadHashAlgorithm(AsnReader reader)
    {
        (string oid, ReadOnlyMemory<byte>? parameters) = ReadAlgorithmIdentifier(reader);
        if (parameters is not null && !PublicKeyPolicy.IsNull(parameters))
        {
            throw Unsupported("A hash AlgorithmIdentifier must have NULL or absent parameters.");
        }

        return oid switch
        {
            Oids.Sha256 => HashAlgorithmName.SHA256,
            Oids.Sha384 => HashAlgorithmName.SHA384,
            Oids.Sha512 => HashAlgorithmName.SHA512,
            _ => throw Unsupported($"The hash algorithm {oid} is not accepted for RSASSA-PSS."),
        };
    }

    private static (string Oid, ReadOnlyMemory<byte>? Parameters) ReadAlgorithmIdentifier(AsnReader reader)
    {
        AsnReader algorithm = reader.ReadSequence();
        string oid = algorithm.ReadObjectIdentifier();
        ReadOnlyMemory<byte>? parameters = algorithm.HasData ? algorithm.ReadEncodedValue() : (ReadOnlyMemory<byte>?)null;
        algorithm.ThrowIfNotEmpty();
        return (oid, parameters);
    }

    private static int HashLength(HashAlgorithmName hash) =>
        hash == HashAlgorithmName.SHA256 ? 32 : hash == HashAlgorithmName.SHA384 ? 48 : 64;

    private static PkiException Unsupported(string message) => new(PkiErrorCode.UnsupportedAlgorithm, message);
}
