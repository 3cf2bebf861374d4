using System.Security.Cryptography.X509Certificates;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Pki.Core.Tests.Tokens;

public sealed class RequestTokenPropertyTests : IClassFixture<RequestTokenPropertyTests.SharedHost>
{
    private readonly SharedHost _shared;

    public RequestTokenPropertyTests(SharedHost shared) => _shared = shared;

    public sealed class SharedHost : IAsyncLifetime
    {
        public TokenTestHost Ca { get; private set; } = null!;

        public async Task InitializeAsync() => Ca = await TokenTestHost.CreateAsync();

        public Task DisposeAsync()
        {
            Ca.Dispose();
            return Task.CompletedTask;
        }
    }

    /// <summary>CN, O and OU of the CSR and of the token's locks; null means absent.</summary>
    public sealed record SubjectScenario(string? CsrCn, string? CsrO, string? CsrOu, string? LockCn, string? LockO, string? LockOu);

    /// <summary>A token lifetime, whether and when it is deleted, and how long after expiry (or deletion) redemption is tried.</summary>
    public sealed record GoneScenario(int LifetimeMinutes, bool Delete, int DeleteAfterMinutes, int TryAfterSeconds);

    // Values with characters DN strings must escape (',', '+', '=', '"') and non-ASCII letters, 1 to 24 characters.
    private static readonly Gen<string> Value =
        from length in Gen.Choose(1, 24)
        from chars in Gen.ArrayOf(Gen.Elements("abcXYZ019 -.,+=\"'éßЖ".ToCharArray()), length)
        let text = new string(chars).Trim()
        select text.Length == 0 ? "x" : text;

    private static readonly Gen<string?> Optional = Gen.OneOf(Gen.Constant<string?>(null), Value.Select(v => (string?)v));

    public static Arbitrary<SubjectScenario> Subjects() => Arb.From(
        from csrCn in Optional
        from csrO in Optional
        from csrOu in Optional
        from lockCn in Optional
        from lockO in Optional
        from lockOu in Optional
        select new SubjectScenario(csrCn, csrO, csrOu, lockCn, lockO, lockOu));

    public static Arbitrary<GoneScenario> Gone() => Arb.From(
        from lifetime in Gen.Choose(1, 30 * 24 * 60)
        from delete in Gen.Elements(true, false)
        from deleteAfter in Gen.Choose(0, lifetime + 60)
        from tryAfter in Gen.Choose(0, 400 * 24 * 3600)
        select new GoneScenario(lifetime, delete, deleteAfter, tryAfter));

    [Property(MaxTest = 60, Arbitrary = [typeof(RequestTokenPropertyTests)])]
    public Property The_issued_subject_has_the_locks_where_set_and_the_CSR_values_elsewhere(SubjectScenario s)
    {
        var ca = _shared.Ca;
        var builder = new X500DistinguishedNameBuilder();
        if (s.CsrO is not null)
        {
            builder.AddOrganizationName(s.CsrO);
        }

        if (s.CsrOu is not null)
        {
            builder.AddOrganizationalUnitName(s.CsrOu);
        }

        if (s.CsrCn is not null)
        {
            builder.AddCommonName(s.CsrCn);
        }

        string csr = TokenTestHost.Csr(builder.Build());
        var created = ca.CreateAsync(s.LockCn, s.LockO, s.LockOu).GetAwaiter().GetResult();
        string? cn = s.LockCn ?? s.CsrCn;
        string? o = s.LockO ?? s.CsrO;
        string? ou = s.LockOu ?? s.CsrOu;

        if (cn is null && o is null && ou is null)
        {
            // Nothing to put in the subject and no SAN: refused, and the token survives.
            var code = ca.RedeemFailsAsync(created.Secret, csr).GetAwaiter().GetResult();
            var state = ca.Tokens.GetAsync(created.Token.Id).AsTask().GetAwaiter().GetResult().State;
            return (code == PkiErrorCode.PolicyViolation && state == RequestTokenState.Unused).Label("empty subject refused");
        }

        var subject = ca.RedeemAsync(created.Secret, csr).GetAwaiter().GetResult().Record.Subject;
        return (subject.CommonName == cn && subject.Organization == o && subject.OrganizationalUnit == ou)
            .Label($"issued {subject}; expected CN={cn} O={o} OU={ou}");
    }

    [Property(MaxTest = 25, Arbitrary = [typeof(RequestTokenPropertyTests)])]
    public Property A_token_is_never_redeemable_after_expiry_or_deletion(GoneScenario s)
    {
        using var ca = TokenTestHost.CreateAsync().GetAwaiter().GetResult();
        var created = ca.CreateAsync(expiresAt: ca.Clock.GetUtcNow().AddMinutes(s.LifetimeMinutes)).GetAwaiter().GetResult();
        PkiErrorCode expected;
        if (s.Delete)
        {
            ca.Clock.Advance(TimeSpan.FromMinutes(s.DeleteAfterMinutes));
            ca.Tokens.DeleteAsync(created.Token.Id).AsTask().GetAwaiter().GetResult();
            expected = PkiErrorCode.TokenDeleted;
        }
        else
        {
            ca.Clock.SetUtcNow(created.Token.ExpiresAt);
            expected = PkiErrorCode.TokenExpired;
        }

        ca.Clock.Advance(TimeSpan.FromSeconds(s.TryAfterSeconds));
        var code = ca.RedeemFailsAsync(created.Secret, TokenTestHost.Csr()).GetAwaiter().GetResult();
        var token = ca.Tokens.GetAsync(created.Token.Id).AsTask().GetAwaiter().GetResult();
        return (code == expected
                && token.CertificateId is null
                && token.State == (s.Delete ? RequestTokenState.Deleted : RequestTokenState.Expired))
            .Label($"got {code}, state {token.State}");
    }
}
