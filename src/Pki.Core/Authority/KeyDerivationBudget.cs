using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;

namespace Pki.Core.Authority;

/// <summary>
/// The password-based key derivations an import may run, counted before any of them runs: their iterations in total,
/// how many there are, and (in a PKCS#12 file) how many bags it holds. An encrypted key sets its own counts and the
/// derivations run synchronously, so without a budget one request of 1 MiB could ask for hours of CPU — one derivation
/// with a huge count, or thousands of bags with a large one each.
/// </summary>
internal sealed class KeyDerivationBudget
{
    /// <summary>The most iterations one import runs, over all of its derivations (PBKDF2, the PKCS#12 KDF, PBES1).</summary>
    internal const int MaximumIterations = 10_000_000;

    /// <summary>The most derivations one import runs: a MAC, a few encrypted contents and keys.</summary>
    internal const int MaximumDerivations = 16;

    /// <summary>The most bags a PKCS#12 file may hold: a key, its certificate and a chain of them.</summary>
    internal const int MaximumBags = 64;

    private long _iterations;
    private int _derivations;
    private int _bags;

    /// <summary>Checks the iterations and derivations of a whole PKCS#12 file, decrypting its encrypted contents (within the
    /// budget) to count the bags and key derivations inside them.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidKey"/> when the file asks for more than the budget or
    /// an encrypted content does not decrypt with <paramref name="password"/>.</exception>
    public static void CheckPkcs12(byte[] der, string? password)
    {
        var budget = new KeyDerivationBudget();
        var pfx = Pfx.GetInstance(der);
        if (pfx.MacData is { } mac)
        {
            budget.Spend(mac.IterationCount);
        }

        var contents = AuthenticatedSafe.GetInstance(Asn1OctetString.GetInstance(pfx.AuthSafe.Content).GetOctets());
        foreach (var content in contents.GetContentInfo())
        {
            if (content.ContentType.Equals(PkcsObjectIdentifiers.EncryptedData))
            {
                var encrypted = EncryptedData.GetInstance(content.Content);
                budget.Spend(encrypted.EncryptionAlgorithm);
                budget.CountBags(Decrypt(encrypted, password));
            }
            else if (content.ContentType.Equals(PkcsObjectIdentifiers.Data))
            {
                budget.CountBags(Asn1Sequence.GetInstance(Asn1OctetString.GetInstance(content.Content).GetOctets()));
            }
        }
    }

    /// <summary>Counts the derivation an encryption algorithm asks for: PBES2 with PBKDF2, PKCS#12 PBE or PKCS#5 PBES1.
    /// Any other is refused, because the reader downstream would run it with a count nobody checked (BouncyCastle reads a
    /// PBES2 key derivation of any OID as PBKDF2).</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidKey"/> past the budget, or for another scheme.</exception>
    public void Spend(AlgorithmIdentifier algorithm)
    {
        if (algorithm.Algorithm.Equals(PkcsObjectIdentifiers.IdPbeS2))
        {
            var derivation = PbeS2Parameters.GetInstance(algorithm.Parameters).KeyDerivationFunc;
            if (!derivation.Algorithm.Equals(PkcsObjectIdentifiers.IdPbkdf2))
            {
                throw Unsupported($"PBES2 with the key derivation {derivation.Algorithm.Id}");
            }

            Spend(Pbkdf2Params.GetInstance(derivation.Parameters).IterationCount);
        }
        else if (algorithm.Algorithm.Id.StartsWith("1.2.840.113549.1.12.1.", StringComparison.Ordinal))
        {
            Spend(Pkcs12PbeParams.GetInstance(algorithm.Parameters).Iterations);
        }
        else if (algorithm.Algorithm.Id.StartsWith("1.2.840.113549.1.5.", StringComparison.Ordinal))
        {
            Spend(PbeParameter.GetInstance(algorithm.Parameters).IterationCount);
        }
        else
        {
            throw Unsupported($"the encryption {algorithm.Algorithm.Id}");
        }
    }

    private static PkiException Unsupported(string what) =>
        new(PkiErrorCode.InvalidKey, $"The key is encrypted with {what}; use PBES2 with PBKDF2, PKCS#12 PBE or PKCS#5 PBES1.");

    private void Spend(Org.BouncyCastle.Math.BigInteger iterations)
    {
        _derivations++;
        _iterations += iterations.BitLength > 31 ? long.MaxValue / 2 : iterations.IntValue;
        if (_iterations > MaximumIterations)
        {
            throw new PkiException(PkiErrorCode.InvalidKey,
                $"The key's password-based encryption asks for more than {MaximumIterations} iterations in all; re-encrypt it with fewer.");
        }

        if (_derivations > MaximumDerivations)
        {
            throw new PkiException(PkiErrorCode.InvalidKey,
                $"The import asks for more than {MaximumDerivations} password-based key derivations; a CA's key and certificates need a few.");
        }
    }

    private void CountBags(Asn1Sequence bags)
    {
        foreach (var element in bags)
        {
            if (++_bags > MaximumBags)
            {
                throw new PkiException(PkiErrorCode.InvalidKey, $"The PKCS#12 file holds more than {MaximumBags} bags; a CA's key and certificate chain need a few.");
            }

            var bag = SafeBag.GetInstance(element);
            if (bag.BagID.Equals(PkcsObjectIdentifiers.Pkcs8ShroudedKeyBag))
            {
                Spend(EncryptedPrivateKeyInfo.GetInstance(bag.BagValue).EncryptionAlgorithm);
            }
        }
    }

    /// <summary>
    /// Decrypts a PKCS#12 encrypted content to the SafeContents inside, as the file's reader will. An empty password has two
    /// encodings in PKCS#12 (with and without the terminating zero); the wrong one still ends in valid padding about once in
    /// 256 tries, so a form is taken only when what it decrypts to reads as a sequence of bags.
    /// </summary>
    private static Asn1Sequence Decrypt(EncryptedData encrypted, string? password)
    {
        char[] chars = (password ?? string.Empty).ToCharArray();
        foreach (bool wrongPkcs12Zero in chars.Length == 0 ? [false, true] : new[] { false })
        {
            try
            {
                var cipher = (IBufferedCipher)PbeUtilities.CreateEngine(encrypted.EncryptionAlgorithm);
                cipher.Init(false, PbeUtilities.GenerateCipherParameters(encrypted.EncryptionAlgorithm, chars, wrongPkcs12Zero));
                var bags = Asn1Sequence.GetInstance(cipher.DoFinal(encrypted.Content.GetOctets()));
                foreach (var bag in bags)
                {
                    _ = SafeBag.GetInstance(bag);
                }

                return bags;
            }
            catch (Exception ex) when (ex is InvalidCipherTextException or ArgumentException or InvalidCastException or IOException)
            {
                // the wrong password (or the other form of an empty one): try the next form
            }
        }

        throw new PkiException(PkiErrorCode.InvalidKey, "The PKCS#12 file could not be decrypted: the password is wrong.");
    }
}
