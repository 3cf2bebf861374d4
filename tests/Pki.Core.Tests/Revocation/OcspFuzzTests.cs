using System.Formats.Asn1;
using FsCheck.Xunit;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Revocation;

/// <summary>Hostile OCSP request bytes always get a DER OCSPResponse, never an exception.</summary>
public sealed class OcspFuzzTests
{
    private static readonly Lazy<Task<(RevocationFixture Pki, byte[] Request)>> Setup = new(async () =>
    {
        var pki = await RevocationFixture.CreateAsync();
        var client = await pki.IssueClientAsync();
        await pki.RevokeAsync(client);
        using var openssl = new OpenSsl();
        string request = Path.Combine(openssl.Directory, "req.der");
        var made = openssl.Run("ocsp", "-issuer", openssl.Write("ca.pem", pki.Issuing.CertificatePem), "-cert", openssl.Write("leaf.pem", client.CertificatePem), "-reqout", request);
        Assert.Equal(0, made.ExitCode);
        return (pki, await File.ReadAllBytesAsync(request));
    });

    public enum Edit
    {
        Flip,
        Set,
        Insert,
        Delete,
        Truncate,
    }

    [Property(MaxTest = 500)]
    public async Task Mutated_requests_always_get_a_DER_OCSPResponse((Edit Kind, ushort Position, byte Value)[] edits)
    {
        var (pki, request) = await Setup.Value;
        byte[] mutated = Mutate(request, edits);

        byte[] response = await pki.Revocation.RespondAsync(mutated);

        int status = ReadStatus(response);
        Assert.True(status is 0 or 1 or 6, $"status {status}");
    }

    [Property(MaxTest = 200)]
    public async Task Random_bytes_get_malformedRequest(byte[] bytes)
    {
        var (pki, _) = await Setup.Value;
        byte[] response = await pki.Revocation.RespondAsync(bytes);
        // Random bytes practically never form an OCSPRequest; when they happen to, the answer is a real one.
        int expected = Pki.Core.Revocation.OcspRequestReader.TryRead(bytes) is null ? 1 : ReadStatus(response);
        Assert.Equal(expected, ReadStatus(response));
        Assert.True(expected is 0 or 1 or 6, $"status {expected}");
    }

    [Theory]
    [InlineData("")]
    [InlineData("3000")]
    [InlineData("3080000000")]          // indefinite length
    [InlineData("308103300100")]        // non-minimal length
    public async Task Malformed_requests_get_malformedRequest(string hex)
    {
        var (pki, _) = await Setup.Value;
        Assert.Equal(1, ReadStatus(await pki.Revocation.RespondAsync(Convert.FromHexString(hex))));
    }

    [Fact]
    public async Task Trailing_bytes_and_oversized_requests_are_malformed()
    {
        var (pki, request) = await Setup.Value;
        Assert.Equal(0, ReadStatus(await pki.Revocation.RespondAsync(request)));
        Assert.Equal(1, ReadStatus(await pki.Revocation.RespondAsync(request.Append((byte)0).ToArray())));
        Assert.Equal(1, ReadStatus(await pki.Revocation.RespondAsync(new byte[20_000])));
    }

    private static int ReadStatus(byte[] response)
    {
        var reader = new AsnReader(response, AsnEncodingRules.DER);
        var sequence = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        int status = (int)sequence.ReadEnumeratedValue<OcspResponseStatus>();
        if (status == 0)
        {
            var bytes = sequence.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)).ReadSequence();
            Assert.Equal("1.3.6.1.5.5.7.48.1.1", bytes.ReadObjectIdentifier());
            new AsnReader(bytes.ReadOctetString(), AsnEncodingRules.DER).ReadSequence();
        }

        sequence.ThrowIfNotEmpty();
        return status;
    }

    private static byte[] Mutate(byte[] source, (Edit Kind, ushort Position, byte Value)[] edits)
    {
        var bytes = source.ToList();
        foreach (var (kind, position, value) in edits ?? [])
        {
            if (bytes.Count == 0)
            {
                break;
            }

            int at = position % bytes.Count;
            switch (kind)
            {
                case Edit.Flip: bytes[at] ^= (byte)(1 << (value % 8)); break;
                case Edit.Set: bytes[at] = value; break;
                case Edit.Insert: bytes.Insert(at, value); break;
                case Edit.Delete: bytes.RemoveAt(at); break;
                default: bytes.RemoveRange(at, bytes.Count - at); break;
            }
        }

        return [.. bytes];
    }
}
