using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Pki.Core.Keys;

/// <summary>Key identifiers by RFC 5280 section 4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING value.</summary>
internal static class KeyIdentifier
{
    public const int Size = 20;

    public static void Compute(ReadOnlyMemory<byte> subjectPublicKeyInfo, Span<byte> destination)
    {
        var spki = new AsnReader(subjectPublicKeyInfo, AsnEncodingRules.DER).ReadSequence();
        spki.ReadEncodedValue();
        if (!spki.TryReadPrimitiveBitString(out _, out ReadOnlyMemory<byte> key))
        {
            key = spki.ReadBitString(out _);
        }

#pragma warning disable CA5350 // SHA-1 here is an identifier, not a security function (RFC 5280 section 4.2.1.2).
        SHA1.HashData(key.Span, destination);
#pragma warning restore CA5350
    }

    public static byte[] Compute(ReadOnlyMemory<byte> subjectPublicKeyInfo)
    {
        byte[] identifier = new byte[Size];
        Compute(subjectPublicKeyInfo, identifier);
        return identifier;
    }
}
