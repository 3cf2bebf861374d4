using System.Collections.Frozen;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Pki.Core.Asn1;

namespace Pki.Core.Revocation;

/// <summary>
/// Maps the (hash algorithm, issuerNameHash, issuerKeyHash) of an OCSP CertID to the CA it names, for SHA-1, SHA-256,
/// SHA-384 and SHA-512. Rebuilt from the authority store when a CertID names no CA known yet: one rebuild at a time, and
/// at most one per <see cref="MinimumRebuildInterval"/> unless a CA was added through this host since
/// (<see cref="MarkStale"/>), so that unknown issuers in anyone's requests cannot make every request read and parse
/// every CA. A CA added by another host sharing the store is found within that interval.
/// </summary>
internal sealed class OcspIssuerIndex(IAuthorityStore authorities, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan MinimumRebuildInterval = TimeSpan.FromSeconds(1);

    private static readonly (string Oid, HashAlgorithmName Hash)[] Hashes =
    [
        ("1.3.14.3.2.26", HashAlgorithmName.SHA1),
        (Oids.Sha256, HashAlgorithmName.SHA256),
        (Oids.Sha384, HashAlgorithmName.SHA384),
        (Oids.Sha512, HashAlgorithmName.SHA512),
    ];

    private readonly SemaphoreSlim _rebuild = new(1, 1);
    private FrozenDictionary<string, string> _index = FrozenDictionary<string, string>.Empty;
    private volatile bool _stale = true;
    private long _builtAt;

    /// <summary>A CA was added: the next CertID the index does not know rebuilds it at once.</summary>
    public void MarkStale() => _stale = true;

    /// <summary>The id of the CA the CertID names, or null.</summary>
    public async ValueTask<string?> FindAsync(OcspCertId certId, CancellationToken cancellationToken)
    {
        string key = Key(certId.HashAlgorithm, certId.IssuerNameHash, certId.IssuerKeyHash);
        if (_index.TryGetValue(key, out string? id))
        {
            return id;
        }

        if (!Hashes.Any(h => h.Oid == certId.HashAlgorithm))
        {
            return null;
        }

        var seen = _index;
        if (!MayRebuild())
        {
            return null;
        }

        await _rebuild.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (ReferenceEquals(seen, _index) && MayRebuild())
            {
                _stale = false; // before reading: a CA added while it reads marks the index stale again
                _index = await BuildAsync(cancellationToken).ConfigureAwait(false);
                _builtAt = time.GetTimestamp();
            }
        }
        finally
        {
            _rebuild.Release();
        }

        return _index.GetValueOrDefault(key);
    }

    public void Dispose() => _rebuild.Dispose();

    private bool MayRebuild() => _stale || time.GetElapsedTime(Interlocked.Read(ref _builtAt)) >= MinimumRebuildInterval;

    private async ValueTask<FrozenDictionary<string, string>> BuildAsync(CancellationToken cancellationToken)
    {
        var index = new Dictionary<string, string>(StringComparer.Ordinal);
        string? after = null;
        while (true)
        {
            int count = 0;
            await foreach (var authority in authorities.ListAsync(new AuthorityQuery { After = after, Limit = 1000 }, cancellationToken).ConfigureAwait(false))
            {
                count++;
                after = authority.Id;
                Add(index, authority);
            }

            if (count < 1000)
            {
                return index.ToFrozenDictionary(StringComparer.Ordinal);
            }
        }
    }

    private static void Add(Dictionary<string, string> index, AuthorityRecord authority)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(PemCertificates.DecodeSingle(authority.CertificatePem));
        byte[] name = certificate.SubjectName.RawData;
        var spki = new AsnReader(certificate.PublicKey.ExportSubjectPublicKeyInfo(), AsnEncodingRules.DER).ReadSequence();
        spki.ReadEncodedValue();
        byte[] key = spki.ReadBitString(out _);
        foreach (var (oid, hash) in Hashes)
        {
            index[Key(oid, Hash(hash, name), Hash(hash, key))] = authority.Id;
        }
    }

    private static byte[] Hash(HashAlgorithmName hash, byte[] data)
    {
#pragma warning disable CA5350 // SHA-1 CertIDs are what most OCSP clients send (RFC 6960 section 4.1.1); an identifier, not a security function.
        return hash == HashAlgorithmName.SHA1 ? SHA1.HashData(data)
#pragma warning restore CA5350
            : hash == HashAlgorithmName.SHA256 ? SHA256.HashData(data)
            : hash == HashAlgorithmName.SHA384 ? SHA384.HashData(data)
            : SHA512.HashData(data);
    }

    private static string Key(string oid, byte[] nameHash, byte[] keyHash) =>
        string.Concat(oid, ":", Convert.ToHexString(nameHash), ":", Convert.ToHexString(keyHash));
}
