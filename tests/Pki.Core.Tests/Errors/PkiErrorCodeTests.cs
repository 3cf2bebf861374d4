namespace Pki.Core.Tests.Errors;

public sealed class PkiErrorCodeTests
{
    [Theory]
    [InlineData(PkiErrorCode.InvalidCsr, 400)]
    [InlineData(PkiErrorCode.PolicyViolation, 400)]
    [InlineData(PkiErrorCode.Forbidden, 403)]
    [InlineData(PkiErrorCode.AuthorityNotFound, 404)]
    [InlineData(PkiErrorCode.TokenNotFound, 404)]
    [InlineData(PkiErrorCode.AlreadyRevoked, 409)]
    [InlineData(PkiErrorCode.TokenAlreadyUsed, 409)]
    [InlineData(PkiErrorCode.TokenExpired, 410)]
    [InlineData(PkiErrorCode.InputTooLarge, 413)]
    [InlineData(PkiErrorCode.KeyUnavailable, 500)]
    public void Each_code_maps_to_its_documented_http_status(PkiErrorCode code, int status) =>
        Assert.Equal(status, code.ToHttpStatusCode());

    [Fact]
    public void Every_code_has_a_distinct_value_and_a_mapping()
    {
        var codes = Enum.GetValues<PkiErrorCode>();
        Assert.Equal(codes.Length, codes.Select(c => (int)c).Distinct().Count());
        // Every code is the caller's fault (4xx) but a stored key the server cannot use, which is its own (500).
        Assert.All(codes.Where(c => c != PkiErrorCode.KeyUnavailable), c => Assert.InRange(c.ToHttpStatusCode(), 400, 499));
    }
}
