using System.Net;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Pki.Core.Issuance;

namespace Pki.Core.Tests.Issuance;

public sealed class SubjectAlternativeNameSyntaxTests
{
    public sealed record ValidDnsName(string Value);

    public sealed record ValidLabel(string Value);

    public static class Generators
    {
        private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

        private static Gen<string> Label() =>
            from length in Gen.Choose(1, 63)
            from first in Gen.Elements(Alphabet.ToCharArray())
            from middle in Gen.ArrayOf(Gen.Elements((Alphabet + "-").ToCharArray()), Math.Max(0, length - 2))
            from last in Gen.Elements(Alphabet.ToCharArray())
            let label = length == 1 ? first.ToString() : first + new string(middle) + last
            where !(label.Length >= 4 && label[2] == '-' && label[3] == '-') // reserved for IDNA A-labels (xn--)
            select label;

        public static Arbitrary<ValidLabel> ValidLabel() => Label().Select(l => new ValidLabel(l)).ToArbitrary();

        public static Arbitrary<ValidDnsName> ValidDnsName() =>
            (from count in Gen.Choose(1, 4)
             from labels in Gen.ArrayOf(Label(), count)
             from wildcard in Gen.Elements(true, false)
             let name = (wildcard && count > 1 ? "*." : string.Empty) + string.Join('.', labels)
             where name.Length <= 253 && labels[^1].Any(char.IsAsciiLetter) // no top-level domain is all digits
             select new ValidDnsName(name)).ToArbitrary();
    }

    private static PkiErrorCode Fails(Action action) => Assert.Throws<PkiException>(action).Code;

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 300)]
    public void Generated_dns_names_are_accepted(ValidDnsName name) => SubjectAlternativeNameSyntax.ValidateDnsName(name.Value);

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 300)]
    public void Generated_emails_are_accepted(ValidLabel local, ValidDnsName domain)
    {
        string email = local.Value + "@" + domain.Value.TrimStart('*', '.');

        Assert.True(SubjectAlternativeNameSyntax.IsEmailAddress(email) == (local.Value.Length <= 64));
    }

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 300)]
    public void A_control_character_anywhere_is_rejected(ValidDnsName name, byte position, byte control)
    {
        char c = control % 2 == 0 ? (char)(control % 32) : '\u007f';
        string bad = name.Value.Insert(position % (name.Value.Length + 1), c.ToString());

        Assert.Equal(PkiErrorCode.InvalidSubjectAlternativeName, Fails(() => SubjectAlternativeNameSyntax.ValidateDnsName(bad)));
        Assert.False(SubjectAlternativeNameSyntax.IsEmailAddress("user@" + bad));
    }

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 300)]
    public void An_empty_label_is_rejected(ValidDnsName name, byte position)
    {
        string[] labels = name.Value.Split('.');
        int at = position % (labels.Length + 1);
        string bad = string.Join('.', [.. labels[..at], string.Empty, .. labels[at..]]);

        Assert.Equal(PkiErrorCode.InvalidSubjectAlternativeName, Fails(() => SubjectAlternativeNameSyntax.ValidateDnsName(bad)));
    }

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 100)]
    public void A_name_longer_than_253_characters_is_rejected(ValidLabel label)
    {
        string bad = string.Join('.', Enumerable.Repeat(label.Value, (254 / (label.Value.Length + 1)) + 1));
        while (bad.Length <= 253)
        {
            bad += ".a";
        }

        Assert.Equal(PkiErrorCode.InvalidSubjectAlternativeName, Fails(() => SubjectAlternativeNameSyntax.ValidateDnsName(bad)));
    }

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 100)]
    public void A_label_longer_than_63_characters_is_rejected(ValidLabel label) =>
        Assert.Equal(PkiErrorCode.InvalidSubjectAlternativeName,
            Fails(() => SubjectAlternativeNameSyntax.ValidateDnsName(new string('a', 64) + "." + label.Value)));

    [Theory]
    [InlineData("example.com")]
    [InlineData("localhost")]
    [InlineData("*.example.com")]
    [InlineData("xn--caf-dma.example")]
    [InlineData("a-b.c-d.example")]
    [InlineData("EXAMPLE.COM")]
    [InlineData("XN--CAF-DMA.example")]
    [InlineData("10.0.0.1.example")]
    [InlineData("a--b.example")]
    public void Valid_dns_names_pass(string name) => SubjectAlternativeNameSyntax.ValidateDnsName(name);

    [Theory]
    [InlineData("")]
    [InlineData("example.com.")]
    [InlineData(".example.com")]
    [InlineData("-example.com")]
    [InlineData("example-.com")]
    [InlineData("exa mple.com")]
    [InlineData("exa_mple.com")]
    [InlineData("*")]
    [InlineData("*.")]
    [InlineData("*.*.example.com")]
    [InlineData("foo.*.example.com")]
    [InlineData("f*.example.com")]
    [InlineData("café.example")]
    [InlineData("a..b")]
    [InlineData("10.0.0.1")] // an address: an IP address SAN, which IP name constraints see
    [InlineData("host.123")]
    [InlineData("*.com")] // a wildcard over a top-level domain
    [InlineData("xn--a.example.com")] // not valid Punycode
    [InlineData("xn--.example.com")]
    [InlineData("ab--cd.example.com")] // hyphens in positions 3 and 4 are reserved for A-labels
    public void Invalid_dns_names_fail(string name) =>
        Assert.Equal(PkiErrorCode.InvalidSubjectAlternativeName, Fails(() => SubjectAlternativeNameSyntax.ValidateDnsName(name)));

    [Theory]
    [InlineData("user@example.com", true)]
    [InlineData("first.last+tag@sub.example.org", true)]
    [InlineData("user@localhost", true)]
    [InlineData("@example.com", false)]
    [InlineData("user@", false)]
    [InlineData("user", false)]
    [InlineData("a@b@example.com", false)]
    [InlineData("us er@example.com", false)]
    [InlineData("user@*.example.com", false)]
    [InlineData("usér@example.com", false)]
    [InlineData("user@exa_mple.com", false)]
    public void Email_syntax(string email, bool valid)
    {
        Assert.Equal(valid, SubjectAlternativeNameSyntax.IsEmailAddress(email));
        if (!valid)
        {
            Assert.Equal(PkiErrorCode.InvalidSubjectAlternativeName, Fails(() => SubjectAlternativeNameSyntax.ValidateEmail(email)));
        }
    }

    [Fact]
    public void Local_part_over_64_characters_is_rejected() =>
        Assert.False(SubjectAlternativeNameSyntax.IsEmailAddress(new string('a', 65) + "@example.com"));

    [Theory]
    [InlineData("https://example.com/path?q=1")]
    [InlineData("spiffe://trust.example/ns/default/sa/api")]
    [InlineData("urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66")]
    public void Valid_uris_pass(string uri) => SubjectAlternativeNameSyntax.ValidateUri(new Uri(uri));

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("https://example.com/a b")]
    [InlineData("https://example.com/\u00e9")]
    public void Invalid_uris_fail(string uri) =>
        Assert.Equal(PkiErrorCode.InvalidSubjectAlternativeName, Fails(() => SubjectAlternativeNameSyntax.ValidateUri(new Uri(uri, UriKind.RelativeOrAbsolute))));

    [Fact]
    public void Validate_checks_every_name_and_the_count()
    {
        var good = new SubjectAlternativeNames(["a.example.com"], [IPAddress.Loopback], ["x@example.com"], [new Uri("https://example.com")]);
        SubjectAlternativeNameSyntax.Validate(good, 4);

        Assert.Equal(PkiErrorCode.InputTooLarge, Fails(() => SubjectAlternativeNameSyntax.Validate(good, 3)));
        Assert.Equal(PkiErrorCode.InvalidSubjectAlternativeName,
            Fails(() => SubjectAlternativeNameSyntax.Validate(new SubjectAlternativeNames(emailAddresses: ["nope"]), 10)));
        Assert.Equal(PkiErrorCode.InvalidSubjectAlternativeName,
            Fails(() => SubjectAlternativeNameSyntax.Validate(new SubjectAlternativeNames(ipAddresses: [IPAddress.Parse("fe80::1%2")]), 10)));
    }
}
