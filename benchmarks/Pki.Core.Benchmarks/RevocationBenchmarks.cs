using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pki.Core.DependencyInjection;
using Pki.Core.Keys;
using Pki.Core.Revocation;

namespace Pki.Core.Benchmarks;

/// <summary>
/// The CRL writer alone (encode + P-256 signature + assemble) for 10k, 100k and 1M entries: time and allocation must grow
/// linearly.
/// </summary>
[MemoryDiagnoser]
public class CrlBuildBenchmarks
{
    private CrlEntry[] _entries = [];
    private SoftwareSigningKey _key = null!;
    private CrlFields _fields;

    [Params(10_000, 100_000, 1_000_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _key = SoftwareSigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var revokedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        _entries = new CrlEntry[Entries];
        Span<byte> serial = stackalloc byte[16];
        for (int i = 0; i < _entries.Length; i++)
        {
            RandomNumberGenerator.Fill(serial);
            serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
            var reason = (i % 3) switch { 0 => RevocationReason.KeyCompromise, 1 => RevocationReason.Unspecified, _ => RevocationReason.CertificateHold };
            _entries[i] = new CrlEntry(SerialNumber.FromBytes(serial), revokedAt.AddSeconds(i), reason, i % 10 == 0 ? revokedAt : null);
        }

        var algorithm = SignatureAlgorithm.For(KeyAlgorithm.EcdsaP256);
        _fields = new CrlFields(algorithm.AlgorithmIdentifier, new X500DistinguishedName("CN=Bench CA,O=Pki.Core").RawData, new byte[20],
            revokedAt, revokedAt.AddDays(7), 42, null, new Uri("http://pki.example.com/bench.crl"));
    }

    [GlobalCleanup]
    public void Cleanup() => _key.Dispose();

    [Benchmark]
    public int BuildAndSignCrl()
    {
        byte[] tbs = CrlWriter.WriteTbs(_fields, _entries);
        byte[] signature = _key.Sign(tbs);
        return CrlWriter.Assemble(tbs, _fields.SignatureAlgorithm.Span, signature).Length;
    }
}

/// <summary>
/// The service end to end over the in-memory stores: a full CRL of 100k revoked certificates, a delta CRL with 1,000
/// changes since its base, OCSP responses (cached without a nonce, signed every time with one) and a status lookup.
/// </summary>
[MemoryDiagnoser]
public class RevocationServiceBenchmarks
{
    private const int Revoked = 100_000;
    private const int Changed = 1_000;

    private ServiceProvider _provider = null!;
    private IRevocationService _revocation = null!;
    private CaReference _issuing = null!;
    private byte[] _ocspRequest = [];
    private byte[] _ocspRequestWithNonce = [];
    private CertificateReference _lookup = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _provider.Dispose();

    [Benchmark]
    public async Task<int> FullCrl100k() => (await _revocation.CreateCrlAsync(_issuing)).EntryCount;

    [Benchmark]
    public async Task<int> DeltaCrl1kChanges() => (await _revocation.CreateDeltaCrlAsync(_issuing)).EntryCount;

    [Benchmark]
    public async Task<int> OcspResponseCached() => (await _revocation.RespondAsync(_ocspRequest)).Length;

    [Benchmark]
    public async Task<int> OcspResponseSignedWithNonce() => (await _revocation.RespondAsync(_ocspRequestWithNonce)).Length;

    [Benchmark]
    public async Task<CertificateStatus> StatusLookup() => (await _revocation.GetStatusAsync(_lookup)).Status;

    private async Task SetupAsync()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddPki();
        _provider = services.BuildServiceProvider();
        var authority = _provider.GetRequiredService<ICertificateAuthority>();
        _revocation = _provider.GetRequiredService<IRevocationService>();
        var ca = await authority.CreateRootAsync(new CreateRootAuthorityRequest
        {
            Name = "bench", Subject = DistinguishedName.Parse("CN=Bench CA,O=Pki.Core"), KeyAlgorithm = KeyAlgorithm.EcdsaP256,
        });
        _issuing = CaReference.ById(ca.Id);
        var template = await authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = _issuing, Profile = CertificateProfiles.Client, CommonName = "template@example.com", IncludePrivateKey = false,
        });

        var certificates = _provider.GetRequiredService<ICertificateStore>();
        var store = _provider.GetRequiredService<IRevocationStore>();
        var ids = new List<string>(Revoked + Changed);
        for (int i = 0; i < Revoked + Changed; i++)
        {
            byte[] serial = RandomNumberGenerator.GetBytes(16);
            serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
            var record = template.Record with { Id = Guid.CreateVersion7().ToString("N"), SerialNumber = SerialNumber.FromBytes(serial) };
            await certificates.AddAsync(record, CancellationToken.None);
            ids.Add(record.Id);
        }

        for (int i = 0; i < Revoked; i++)
        {
            await _revocation.RevokeAsync(new RevokeCertificateRequest { Certificate = CertificateReference.ById(ids[i]), Reason = RevocationReason.KeyCompromise });
        }

        clock.Advance(TimeSpan.FromMinutes(5));
        await _revocation.CreateCrlAsync(_issuing);
        clock.Advance(TimeSpan.FromMinutes(5));
        for (int i = Revoked; i < Revoked + Changed; i++)
        {
            await _revocation.RevokeAsync(new RevokeCertificateRequest { Certificate = CertificateReference.ById(ids[i]), Reason = RevocationReason.CertificateHold });
        }

        var looked = await certificates.GetAsync(ids[Revoked / 2], CancellationToken.None);
        _lookup = CertificateReference.BySerialNumber(_issuing, looked!.SerialNumber);
        using var caCertificate = X509Certificate2.CreateFromPem(ca.CertificatePem);
        _ocspRequest = OcspRequest(caCertificate, looked.SerialNumber, nonce: false);
        _ocspRequestWithNonce = OcspRequest(caCertificate, looked.SerialNumber, nonce: true);
        _ = store;
    }

    private static byte[] OcspRequest(X509Certificate2 issuer, SerialNumber serial, bool nonce)
    {
#pragma warning disable CA5350 // SHA-1 CertIDs are what OCSP clients send.
        byte[] nameHash = SHA1.HashData(issuer.SubjectName.RawData);
        byte[] keyHash = SHA1.HashData(issuer.PublicKey.EncodedKeyValue.RawData);
#pragma warning restore CA5350
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            using (writer.PushSequence())
            using (writer.PushSequence())
            {
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier("1.3.14.3.2.26");
                    writer.WriteNull();
                }

                writer.WriteOctetString(nameHash);
                writer.WriteOctetString(keyHash);
                writer.WriteInteger(serial.Bytes);
            }

            if (nonce)
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2, true)))
                using (writer.PushSequence())
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier("1.3.6.1.5.5.7.48.1.2");
                    using (writer.PushOctetString())
                    {
                        writer.WriteOctetString(RandomNumberGenerator.GetBytes(16));
                    }
                }
            }
        }

        return writer.Encode();
    }
}
