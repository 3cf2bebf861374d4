using System.Collections.Concurrent;
using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Pki.Core.Asn1;

namespace Pki.Core.Issuance.Profiles;

/// <summary>Resolves profile names and pre-encodes the extensions a profile puts into every certificate.</summary>
internal sealed class ProfileCatalog(IOptions<PkiOptions> options)
{
    private readonly ConcurrentDictionary<(string Name, bool Rsa), EncodedValues> _extensions = new();

    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> when no such profile exists.</exception>
    public CertificateProfile Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return options.Value.Profiles.TryGetValue(name, out var profile)
            ? profile
            : throw new PkiException(PkiErrorCode.InvalidRequest, $"There is no certificate profile named '{name}'.");
    }

    /// <summary>basicConstraints, keyUsage and extendedKeyUsage for the profile, as Extension TLVs.</summary>
    public EncodedValues ProfileExtensions(string name, CertificateProfile profile, bool rsaSubjectKey) =>
        _extensions.GetOrAdd((name, rsaSubjectKey), static (key, p) => Encode(p, key.Rsa), profile);

    private static EncodedValues Encode(CertificateProfile profile, bool rsaSubjectKey)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        bool ca = profile.Type == CertificateType.CertificateAuthority;
        var usage = profile.KeyUsage;

        // RFC 5280 section 4.2.1.9: pathLenConstraint only when cA is asserted and keyUsage asserts keyCertSign.
        bool pathLength = ca && usage.HasFlag(X509KeyUsageFlags.KeyCertSign);
        ExtensionWriter.BasicConstraints(writer, ca, pathLength ? profile.PathLengthConstraint : null);
        if (rsaSubjectKey && profile.KeyEnciphermentForRsa)
        {
            usage |= X509KeyUsageFlags.KeyEncipherment;
        }

        ExtensionWriter.KeyUsage(writer, usage);
        if (profile.ExtendedKeyUsages.Count > 0)
        {
            ExtensionWriter.ExtendedKeyUsage(writer, profile.ExtendedKeyUsages);
        }

        if (profile.OcspNoCheck)
        {
            // Extension { id-pkix-ocsp-nocheck, extnValue OCTET STRING { NULL } }.
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.3.6.1.5.5.7.48.1.5");
                using (writer.PushOctetString())
                {
                    writer.WriteNull();
                }
            }
        }

        return EncodedValues.From(writer);
    }
}
