using System.Net;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Pki.Core.Issuance;

namespace Pki.Core.Tests.Issuance;

/// <summary>Invariants of the issuance rules, for arbitrary inputs.</summary>
public sealed class IssuanceRulePropertyTests
{
    private static readonly IDictionary<string, CertificateProfile> Profiles = new PkiOptions().Profiles;

    private static readonly string[] Labels = ["a", "api", "x-1", "node7", "example", "com", "internal", "*"];

    private static Gen<string> DnsNames() =>
        from count in Gen.Choose(1, 4)
        from labels in Gen.ArrayOf(Gen.Elements(Labels.Where(l => l != "*")), count)
        from wildcard in Gen.Elements(false, false, true)
        select (wildcard && count > 1 ? "*." : "") + string.Join('.', labels); // a wildcard over one label is refused

    private static Gen<SubjectAlternativeNames> Names() =>
        from dnsCount in Gen.Choose(0, 2)
        from dnsList in Gen.ArrayOf(DnsNames(), dnsCount)
        from ipCount in Gen.Choose(0, 2)
        from ips in Gen.ArrayOf(Gen.Choose(1, 254).Select(n => IPAddress.Parse($"10.0.0.{n}")), ipCount)
        from emailCount in Gen.Choose(0, 2)
        from emails in Gen.ArrayOf(Gen.Elements("a@example.com", "ops@acme.example"), emailCount)
        from uriCount in Gen.Choose(0, 1)
        from uris in Gen.ArrayOf(Gen.Constant(new Uri("spiffe://acme/workload")), uriCount)
        select new SubjectAlternativeNames(dnsList, ips, emails, uris);

    private static Gen<string?> CommonNames() =>
        Gen.OneOf(Gen.Constant<string?>(null), DnsNames().Select(n => (string?)n), Gen.Constant<string?>("alice@example.com"),
            Gen.Constant<string?>("10.9.8.7"), Gen.Constant<string?>("Plain Name"));

    [Property(MaxTest = 500)]
    public Property San_rules_hold_for_any_names_common_name_and_profile()
    {
        var cases = from names in Names()
                    from cn in CommonNames()
                    from profile in Gen.Elements(CertificateProfiles.Server, CertificateProfiles.Client, CertificateProfiles.Dual)
                    select (names, cn, profile);
        return Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var profile = Profiles[c.profile];
            SubjectAlternativeNames result;
            try
            {
                result = SubjectAlternativeNamePolicy.Apply(c.names, c.cn, profile, c.profile, 100);
            }
            catch (PkiException ex) when (ex.Code == PkiErrorCode.PolicyViolation)
            {
                // Refused exactly when a forbidden type is present or a server has no DNS/IP identity.
                bool forbidden = (profile.Type == CertificateType.Server && c.names.EmailAddresses.Count > 0)
                    || (profile.Type == CertificateType.Client && (c.names.DnsNames.Count > 0 || c.names.IpAddresses.Count > 0));
                bool noIdentity = profile.Type == CertificateType.Server && c.names.DnsNames.Count == 0 && c.names.IpAddresses.Count == 0
                    && (c.cn is null || c.cn == "Plain Name" || c.cn == "alice@example.com");
                return forbidden || noIdentity;
            }

            // Given names are kept; only defaults derived from the CN are added.
            bool kept = c.names.DnsNames.All(result.DnsNames.Contains) && c.names.IpAddresses.All(result.IpAddresses.Contains)
                && c.names.EmailAddresses.All(result.EmailAddresses.Contains) && c.names.Uris.All(result.Uris.Contains);
            bool typesAllowed = profile.Type switch
            {
                CertificateType.Server => result.EmailAddresses.Count == 0,
                CertificateType.Client => result.DnsNames.Count == 0 && result.IpAddresses.Count == 0,
                _ => true,
            };
            bool serverHasIdentity = profile.Type != CertificateType.Server || result.DnsNames.Count + result.IpAddresses.Count > 0;
            bool clientEmailDefault = profile.Type != CertificateType.Client || c.cn != "alice@example.com" || c.names.EmailAddresses.Count > 0
                || result.EmailAddresses.Contains("alice@example.com");
            bool noRepeats = result.DnsNames.Distinct(StringComparer.OrdinalIgnoreCase).Count() == result.DnsNames.Count
                && result.EmailAddresses.Distinct().Count() == result.EmailAddresses.Count;
            bool serverDnsDefault = profile.Type == CertificateType.Client || c.names.DnsNames.Count > 0 || c.cn is null
                || c.cn == "Plain Name" || c.cn == "alice@example.com" || c.cn == "10.9.8.7" || result.DnsNames.Contains(c.cn);
            return kept && typesAllowed && serverHasIdentity && clientEmailDefault && serverDnsDefault && noRepeats;
        });
    }

    [Property(MaxTest = 500)]
    public Property Validity_always_nests_inside_the_issuer_or_is_refused(int caStartDays, PositiveInt caLengthDays, int nowOffsetDays, PositiveInt requested, bool clip)
    {
        var anchor = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var caNotBefore = anchor.AddDays(caStartDays % 3000);
        var caNotAfter = caNotBefore.AddDays(1 + caLengthDays.Get % 4000).AddSeconds(0.37);
        var now = caNotBefore.AddDays(Math.Abs(nowOffsetDays % 4000)).AddMilliseconds(123);
        int days = 1 + requested.Get % 900;
        try
        {
            var window = ValidityWindow.Compute(now, days, 825, TimeSpan.FromMinutes(1), caNotBefore, caNotAfter, clip ? ValidityNesting.Clip : ValidityNesting.Reject);
            bool nested = window.NotBefore >= caNotBefore && window.NotAfter <= caNotAfter;
            bool wholeSeconds = window.NotBefore.Ticks % TimeSpan.TicksPerSecond == 0 && window.NotAfter.Ticks % TimeSpan.TicksPerSecond == 0;
            bool ordered = window.NotBefore <= window.NotAfter;
            bool daysRight = clip || window.Days == days;
            return (days <= 825 && nested && wholeSeconds && ordered && daysRight).ToProperty();
        }
        catch (PkiException ex) when (ex.Code == PkiErrorCode.PolicyViolation)
        {
            bool tooLong = days > 825;
            bool outlives = !clip && now.AddDays(days) > caNotAfter.AddSeconds(-1);
            bool caOver = now.AddMinutes(-1) >= caNotAfter.AddSeconds(-1);
            return (tooLong || outlives || caOver).ToProperty();
        }
    }

    [Property(MaxTest = 300)]
    public Property Subject_overrides_take_precedence_in_a_fixed_order(bool subjectOverride, bool cnOverride, bool lockOrganization)
    {
        var requested = DistinguishedName.Parse("CN=requested,O=Requested Org,C=US");
        var order = new IssuanceOrder
        {
            Authority = CaReference.ById("ca"),
            Profile = CertificateProfiles.Client,
            RequestedSubject = requested,
            SubjectOverride = subjectOverride ? DistinguishedName.Parse("CN=override,OU=Ops,O=Override Org") : null,
            CommonNameOverride = cnOverride ? "cn-override" : null,
            LockedAttributes = lockOrganization ? [new DistinguishedNameComponent(DistinguishedNameOids.Organization, "Locked Org")] : [],
            SubjectPublicKeyInfo = Array.Empty<byte>(),
            PublicKeyFamily = "ECDSA",
            PublicKeySize = 256,
        };

        var subject = IssuancePipeline.MergeSubject(order, 16);

        string expectedCn = cnOverride ? "cn-override" : subjectOverride ? "override" : "requested";
        string expectedO = lockOrganization ? "Locked Org" : subjectOverride ? "Override Org" : "Requested Org";
        return (subject.CommonName == expectedCn && subject.Organization == expectedO
            && subject.OrganizationalUnit == (subjectOverride ? "Ops" : null)
            && subject.Country == (subjectOverride ? null : "US")).ToProperty();
    }
}
