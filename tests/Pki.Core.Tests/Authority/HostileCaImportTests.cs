using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Oiw;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Authority;

/// <summary>CA material that loads elsewhere but that the library must refuse, each with a typed error and nothing stored.</summary>
public sealed class HostileCaImportTests
{
    private const string Password = "pw";

    [Fact]
    public async Task A_ca_whose_key_usage_lacks_crl_sign_is_refused()
    {
        // RFC 5280 6.3.3 (f): relying parties refuse a CRL whose issuer's keyUsage lacks cRLSign; the library publishes
        // CRLs for every CA it holds, so each one would break revocation checking for everything the CA issued.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = SelfSignedCa(key, "CN=No CRL signing", X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature);
        using var host = new PkiTestHost();

        var error = await Assert.ThrowsAsync<PkiException>(() => host.Authority.ImportAsync(new ImportAuthorityRequest
        {
            Name = "no-crl-sign", CertificatePem = certificate.ExportCertificatePem(), PrivateKeyPem = key.ExportPkcs8PrivateKeyPem(),
        }).AsTask());

        Assert.Equal(PkiErrorCode.NotACertificateAuthority, error.Code);
        Assert.Contains("cRLSign", error.Message, StringComparison.Ordinal);
        Assert.Empty(await host.Authority.ListAsync().ToListAsync());
    }

    [Theory]
    [InlineData("300e310c300a06035504031303614062")] // CN PrintableString "a@b": '@' is not printable
    [InlineData("300e310c300a06035504031603e96162")] // CN IA5String with a byte beyond ASCII
    [InlineData("30023100")] // an empty RDN
    public async Task A_subject_that_openssl_reads_but_that_breaks_its_string_type_is_InvalidName(string subjectHex)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName(Convert.FromHexString(subjectHex)), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.Parse("2026-01-01T00:00:00Z"), DateTimeOffset.Parse("2030-01-01T00:00:00Z"));
        using var host = new PkiTestHost();

        var error = await Assert.ThrowsAsync<PkiException>(() => host.Authority.ImportAsync(new ImportAuthorityRequest
        {
            Name = "odd-subject", CertificatePem = certificate.ExportCertificatePem(), PrivateKeyPem = key.ExportPkcs8PrivateKeyPem(),
        }).AsTask());

        Assert.Equal(PkiErrorCode.InvalidName, error.Code);
        Assert.Empty(await host.Authority.ListAsync().ToListAsync());
    }

    [Theory]
    [InlineData(false, 3, 4_000_000, "iterations")] // each under the cap, 12 million in all
    [InlineData(true, 3, 4_000_000, "iterations")] // the same, hidden inside an encrypted content
    [InlineData(false, 20, 1_000, "derivations")]
    [InlineData(true, 80, 0, "bags")] // plain key bags: no derivation each
    public async Task A_pkcs12_file_is_refused_before_deriving_when_it_asks_for_too_much_work(bool inEncryptedContent, int keyBags, int iterations, string named)
    {
        // The counts are rewritten in the encodings: a refusal before deriving costs nothing; a derivation would take seconds.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var bags = Enumerable.Repeat(KeyBag(key, iterations), keyBags).ToArray();
        byte[] pkcs12 = Pkcs12(inEncryptedContent ? EncryptedContent(bags) : PlainContent(bags));
        using var host = new PkiTestHost();

        var error = await Assert.ThrowsAsync<PkiException>(() =>
            host.Authority.ImportAsync(new ImportAuthorityRequest { Name = "busy", Pkcs12 = pkcs12, Password = Password }).AsTask());

        Assert.Equal(PkiErrorCode.InvalidKey, error.Code);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Empty(await host.Authority.ListAsync().ToListAsync());
    }

    [Fact]
    public async Task A_pkcs12_file_with_a_wrong_password_for_its_encrypted_content_is_InvalidKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] pkcs12 = Pkcs12(EncryptedContent([KeyBag(key, 1_000)]));
        using var host = new PkiTestHost();

        var error = await Assert.ThrowsAsync<PkiException>(() =>
            host.Authority.ImportAsync(new ImportAuthorityRequest { Name = "wrong", Pkcs12 = pkcs12, Password = "not-" + Password }).AsTask());

        Assert.Equal(PkiErrorCode.InvalidKey, error.Code);
    }

    [Fact]
    public async Task An_empty_password_legacy_pkcs12_file_imports_whichever_form_of_the_empty_password_it_uses()
    {
        // openssl pkcs12 -export -legacy -passout pass: (RC2-40 certificate bag, 3DES key). PKCS#12 encodes an empty
        // password two ways; decrypting with the wrong one still ends in valid padding about once in 256 files, as here.
        byte[] pkcs12 = Convert.FromBase64String(
            ""
        + "MIIDkgIBAzCCA1gGCSqGSIb3DQEHAaCCA0kEggNFMIIDQTCCAjcGCSqGSIb3DQEHBqCCAigwggIkAgEAMIICHQYJKoZIhvcNAQcB"
        + "MBwGCiqGSIb3DQEMAQYwDgQI588+JYe/ttYCAggAgIIB8IQ+bk1ys6pOiXuLLN6n1gyCkrnsHancs/lfsLsJUzxq4yUgOB7wLuC2"
        + "oKyl5LSqt1WgkyKwE+nKrN5GIF1AhOhyZKgHWaGo+02qZTA22QQ1/qgriR0FScJSpnFO99b/Kn/vCnV6bMvT1FBQcf25wEl6Gv7F"
        + "uZ8LdRZAJ6cuB/eX8RqELJ1G2XuptRYHJMgIRyhnsYCPb+y0LbEv62c0B1yh3rsxG/bBE9lgrfFWX6Z2AIYxnFa5OkxN5ZJhSrC7"
        + "r0mU/bdw5JvRDuk+cU20a87wIrJUN4u5OKnd1ww0nxNnwUSdcA+lHw9TY1EMa/3pAlHL16qdastt7cVRqXTDYCTRjfMPahwAH4MU"
        + "XxOc8f5Pn7IZBi/zSoQd5Kh6g90izfILviiR2V7tGhvOrA7HvhV2zjS/WcdaQmQCaOVJE17hrEqwJPnUIsicVmqJ+o2Cj4LJwaB7"
        + "UxS7/O4D2u2lHl4V7l2MdK0hXDbg4/lPMiSFjPbw1PvDJMvXz6BAr1p1/Fb0CPv67uIaBHbu2/tjJAjyQPB1DQ27f4rggcY8UQTx"
        + "O6cuu3tZTltVDPJgtz0C5TRRIGu4ynZJYQiipCnNKSL3A3YY3EV/DF+lBcLD5mIJ54hSyDDbso1kYV33Ld8j8/RyM+DvnJdZVkZO"
        + "aWMVzW8wggECBgkqhkiG9w0BBwGggfQEgfEwge4wgesGCyqGSIb3DQEMCgECoIG0MIGxMBwGCiqGSIb3DQEMAQMwDgQIJ4JvWnoM"
        + "rbICAggABIGQID5q7uUB2VhvOdFgR3NjrRVGkZl/seGzQ+E63XanB1NHUfXRgMC7H8DP0v7S1kaQXXJEFGEcIXMCdEEKRjnCsjtN"
        + "9DCKeRJj+YVAi7dwugyAX8KrLZq6J6OrnQ005VXpEoBLgZVShSSnnQSYuiDJz+Ts8mGje9a6hrr6hs0iYWFO6CkzUTUMiPtAXhJh"
        + "g8GPMSUwIwYJKoZIhvcNAQkVMRYEFF1yjou8GFydMtJr56hVH0JgYKrWMDEwITAJBgUrDgMCGgUABBTdsQnveDpia33qwrc2GtuQ"
        + "FHQT1gQIXBfez+515yYCAggA");
        using var host = new PkiTestHost();

        var imported = await host.Authority.ImportAsync(new ImportAuthorityRequest { Name = "legacy", Pkcs12 = pkcs12, Password = "" });

        Assert.Equal("CN=Review Root", imported.Subject.ToString());
    }

    [Theory]
    [InlineData("1.2.3.4")]
    [InlineData("1.3.6.1.4.1.11591.4.11")] // scrypt, which BouncyCastle would run as PBKDF2 with parameters read as PBKDF2's
    public async Task A_key_derivation_other_than_pbkdf2_is_refused_before_anything_runs(string derivation)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var bag = KeyBag(key, 4_999_999, derivation);
        byte[] pkcs12 = Pkcs12(PlainContent([bag, bag, bag]));
        using var host = new PkiTestHost();

        var error = await Assert.ThrowsAsync<PkiException>(() =>
            host.Authority.ImportAsync(new ImportAuthorityRequest { Name = "kdf", Pkcs12 = pkcs12, Password = Password }).AsTask());

        Assert.Equal(PkiErrorCode.InvalidKey, error.Code);
        Assert.Contains(derivation, error.Message, StringComparison.Ordinal);
    }

    private static X509Certificate2 SelfSignedCa(ECDsa key, string subject, X509KeyUsageFlags usage)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        return request.CreateSelfSigned(DateTimeOffset.Parse("2026-01-01T00:00:00Z"), DateTimeOffset.Parse("2030-01-01T00:00:00Z"));
    }

    /// <summary>A pkcs8ShroudedKeyBag whose PBKDF2 count reads <paramref name="iterations"/> (encrypted with 1,000); a plain keyBag for 0.</summary>
    private static SafeBag KeyBag(ECDsa key, int iterations, string? derivation = null)
    {
        if (iterations == 0)
        {
            return new SafeBag(PkcsObjectIdentifiers.KeyBag, PrivateKeyInfo.GetInstance(key.ExportPkcs8PrivateKey()));
        }

        var encrypted = EncryptedPrivateKeyInfo.GetInstance(
            key.ExportEncryptedPkcs8PrivateKey(Password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1_000)));
        var pbes2 = PbeS2Parameters.GetInstance(encrypted.EncryptionAlgorithm.Parameters);
        var pbkdf2 = Pbkdf2Params.GetInstance(pbes2.KeyDerivationFunc.Parameters);
        var rewritten = new EncryptedPrivateKeyInfo(
            new AlgorithmIdentifier(PkcsObjectIdentifiers.IdPbeS2, new PbeS2Parameters(
                new KeyDerivationFunc(derivation is null ? PkcsObjectIdentifiers.IdPbkdf2 : new DerObjectIdentifier(derivation), new Pbkdf2Params(pbkdf2.GetSalt(), iterations, pbkdf2.Prf)),
                pbes2.EncryptionScheme)),
            encrypted.GetEncryptedData());
        return new SafeBag(PkcsObjectIdentifiers.Pkcs8ShroudedKeyBag, rewritten.ToAsn1Object());
    }

    private static ContentInfo PlainContent(SafeBag[] bags) =>
        new(PkcsObjectIdentifiers.Data, new DerOctetString(new DerSequence(bags).GetDerEncoded()));

    /// <summary>The bags in an EncryptedData content (PKCS#12 PBE with SHA-1 and 3-key 3DES, 1,000 iterations).</summary>
    private static ContentInfo EncryptedContent(SafeBag[] bags)
    {
        var algorithm = new AlgorithmIdentifier(PkcsObjectIdentifiers.PbeWithShaAnd3KeyTripleDesCbc, new Pkcs12PbeParams(RandomNumberGenerator.GetBytes(8), 1_000));
        var cipher = (IBufferedCipher)PbeUtilities.CreateEngine(algorithm);
        cipher.Init(true, PbeUtilities.GenerateCipherParameters(algorithm, Password.ToCharArray(), false));
        byte[] encrypted = cipher.DoFinal(new DerSequence(bags).GetDerEncoded());
        return new ContentInfo(PkcsObjectIdentifiers.EncryptedData, new EncryptedData(PkcsObjectIdentifiers.Data, algorithm, new BerOctetString(encrypted)));
    }

    /// <summary>A PFX of <paramref name="content"/> with a MAC of one iteration (its value is never reached: the file is refused first).</summary>
    private static byte[] Pkcs12(ContentInfo content)
    {
        var authSafe = new ContentInfo(PkcsObjectIdentifiers.Data, new DerOctetString(new AuthenticatedSafe([content]).GetDerEncoded()));
        var mac = new MacData(new DigestInfo(new AlgorithmIdentifier(OiwObjectIdentifiers.IdSha1, DerNull.Instance), new byte[20]), new byte[8], 1);
        return new Pfx(authSafe, mac).GetEncoded();
    }
}
