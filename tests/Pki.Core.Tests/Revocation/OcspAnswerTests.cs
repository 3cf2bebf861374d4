using System.Security.Cryptography;
using Org.BouncyCastle.Ocsp;
using Pki.Core.Tests.Interop;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Revocation;

/// <summary>
/// <see cref="IRevocationService.AnswerAsync"/>: the OCSP response together with what an HTTP host needs to serve it
/// with the caching headers of RFC 5019 section 6.2, read back from the DER by BouncyCastle.
/// </summary>
public sealed class OcspAnswerTests
{
    [Fact]
    public async Task The_answer_reports_the_times_written_in_the_response()
    {
        var clock = PkiTestHost.FakeClock();
        clock.Advance(TimeSpan.FromMilliseconds(700)); // DER times are whole seconds: the answer must say the same
        using var pki = await RevocationFixture.CreateAsync(o => o.Revocation.OcspResponseValidity = TimeSpan.FromMinutes(30), time: clock);
        var leaf = await pki.IssueClientAsync();

        var answer = await pki.Revocation.AnswerAsync(RfcConformanceTests.OcspRequest(pki.Issuing, leaf.CertificatePem, writeNonce: null));

        Assert.Equal(OcspResponseStatus.Successful, answer.Status);
        Assert.False(answer.HasNonce);
        Assert.True(answer.IsCacheable);
        var basic = (BasicOcspResp)new OcspResp(answer.Der.ToArray()).GetResponseObject();
        var single = Assert.Single(basic.Responses);
        Assert.Equal(new DateTimeOffset(basic.ProducedAt, TimeSpan.Zero), answer.ProducedAt);
        Assert.Equal(new DateTimeOffset(single.ThisUpdate, TimeSpan.Zero), answer.ThisUpdate);
        Assert.Equal(new DateTimeOffset(single.NextUpdate!.Value, TimeSpan.Zero), answer.NextUpdate);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero), answer.ThisUpdate);
        Assert.Equal(answer.ThisUpdate + TimeSpan.FromMinutes(30), answer.NextUpdate);
    }

    [Fact]
    public async Task A_cached_answer_keeps_its_own_times()
    {
        var clock = PkiTestHost.FakeClock();
        using var pki = await RevocationFixture.CreateAsync(o => o.Revocation.OcspResponseCacheDuration = TimeSpan.FromMinutes(1), time: clock);
        var leaf = await pki.IssueClientAsync();
        byte[] request = RfcConformanceTests.OcspRequest(pki.Issuing, leaf.CertificatePem, writeNonce: null);

        var first = await pki.Revocation.AnswerAsync(request);
        clock.Advance(TimeSpan.FromSeconds(20));
        var second = await pki.Revocation.AnswerAsync(request);

        Assert.True(first.Der.Span.SequenceEqual(second.Der.Span)); // the cached response, not a new signature
        Assert.Equal(first.ThisUpdate, second.ThisUpdate);
        Assert.Equal(first.NextUpdate, second.NextUpdate);
    }

    [Fact]
    public async Task Only_answers_about_valid_serial_numbers_are_kept_in_the_cache()
    {
        // A CertID may carry a serial of any length up to the request's size; caching those let one client fill memory
        // with 16 KiB keys and responses (about 59 KiB each). They are answered "unknown", signed afresh each time.
        using var pki = await RevocationFixture.CreateAsync(o => o.Revocation.OcspResponseCacheDuration = TimeSpan.FromMinutes(1));
        var leaf = await pki.IssueClientAsync();
        var service = pki.Host.Get<Pki.Core.Revocation.RevocationService>();
        byte[] oversized = RandomNumberGenerator.GetBytes(4096);
        oversized[0] = 1;
        byte[] request = RfcConformanceTests.OcspRequest(pki.Issuing, leaf.CertificatePem, writeNonce: null, serialNumber: oversized);

        var first = await pki.Revocation.AnswerAsync(request);
        var second = await pki.Revocation.AnswerAsync(request);

        Assert.Equal(OcspResponseStatus.Successful, first.Status);
        Assert.False(first.Der.Span.SequenceEqual(second.Der.Span)); // ECDSA signs with a fresh nonce: two signatures
        Assert.Equal(0, service.CachedOcspResponses);

        await pki.Revocation.AnswerAsync(RfcConformanceTests.OcspRequest(pki.Issuing, leaf.CertificatePem, writeNonce: null));
        Assert.Equal(1, service.CachedOcspResponses);
    }

    [Fact]
    public async Task The_cache_is_bounded_by_weight_and_starts_again_when_full()
    {
        using var pki = await RevocationFixture.CreateAsync(o => o.Revocation.OcspResponseCacheDuration = TimeSpan.FromMinutes(1));
        var leaf = await pki.IssueClientAsync();
        var service = pki.Host.Get<Pki.Core.Revocation.RevocationService>();
        service.MaximumCachedOcspBytes = 8 * 1024;

        for (int i = 1; i <= 40; i++)
        {
            byte[] serial = RandomNumberGenerator.GetBytes(16); // unknown serials: anyone may ask about them
            serial[0] = (byte)i;
            await pki.Revocation.AnswerAsync(RfcConformanceTests.OcspRequest(pki.Issuing, leaf.CertificatePem, writeNonce: null, serialNumber: serial));
            Assert.InRange(service.CachedOcspBytes, 1, service.MaximumCachedOcspBytes);
        }

        Assert.InRange(service.CachedOcspResponses, 1, 39); // it was emptied at least once
    }

    [Fact]
    public async Task An_answer_with_a_nonce_is_not_cacheable()
    {
        using var pki = await RevocationFixture.CreateAsync();
        var leaf = await pki.IssueClientAsync();

        var answer = await pki.Revocation.AnswerAsync(
            RfcConformanceTests.OcspRequest(pki.Issuing, leaf.CertificatePem, w => w.WriteOctetString(RandomNumberGenerator.GetBytes(32))));

        Assert.Equal(OcspResponseStatus.Successful, answer.Status);
        Assert.True(answer.HasNonce);
        Assert.False(answer.IsCacheable);
    }

    [Fact]
    public async Task Malformed_and_foreign_requests_are_unsuccessful_answers_without_times()
    {
        using var pki = await RevocationFixture.CreateAsync();
        using var other = await RevocationFixture.CreateAsync();
        var foreign = await other.IssueClientAsync();

        var malformed = await pki.Revocation.AnswerAsync(new byte[] { 0x30, 0x00 });
        var unauthorized = await pki.Revocation.AnswerAsync(RfcConformanceTests.OcspRequest(other.Issuing, foreign.CertificatePem, writeNonce: null));

        Assert.Equal(OcspResponseStatus.MalformedRequest, malformed.Status);
        Assert.Equal(OcspResponseStatus.Unauthorized, unauthorized.Status);
        foreach (var answer in new[] { malformed, unauthorized })
        {
            Assert.Equal((int)answer.Status, new OcspResp(answer.Der.ToArray()).Status);
            Assert.Null(answer.ThisUpdate);
            Assert.Null(answer.NextUpdate);
            Assert.False(answer.IsCacheable);
        }
    }

    [Fact]
    public async Task RespondAsync_hands_each_caller_an_array_of_its_own()
    {
        using var pki = await RevocationFixture.CreateAsync();
        var leaf = await pki.IssueClientAsync();
        byte[] request = RfcConformanceTests.OcspRequest(pki.Issuing, leaf.CertificatePem, writeNonce: null);

        byte[] first = await pki.Revocation.RespondAsync(request);
        byte[] copy = first.ToArray();
        Array.Clear(first); // a caller scribbling on its response must not change what the next caller gets from the cache
        byte[] second = await pki.Revocation.RespondAsync(request);

        Assert.Equal(copy, second);
    }
}
