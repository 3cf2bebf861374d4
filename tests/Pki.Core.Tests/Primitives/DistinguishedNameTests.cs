using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Pki.Core.Tests.Primitives;

public sealed class DistinguishedNameTests
{
    [Fact]
    public void Parse_reads_rfc4514_order_most_specific_first()
    {
        var name = DistinguishedName.Parse("CN=api.example.com,O=Acme Corp,C=US");

        Assert.Equal(["2.5.4.6", "2.5.4.10", "2.5.4.3"], name.Components.Select(c => c.Oid));
        Assert.Equal("api.example.com", name.CommonName);
        Assert.Equal("Acme Corp", name.Organization);
        Assert.Equal("US", name.Country);
        Assert.Equal("CN=api.example.com,O=Acme Corp,C=US", name.ToString());
    }

    [Fact]
    public void Escaped_separators_stay_inside_the_value()
    {
        var name = DistinguishedName.Parse(@"CN=Smith\, John,O=A\+B \""Q\"",OU=\#1,L=x\3Dy");

        Assert.Equal("Smith, John", name.CommonName);
        Assert.Equal("A+B \"Q\"", name.Organization);
        Assert.Equal("#1", name.OrganizationalUnit);
        Assert.Equal("x=y", name.Locality);
        Assert.Equal(name, DistinguishedName.Parse(name.ToString()));
    }

    [Fact]
    public void Encoding_matches_dotnet_x500_parsing()
    {
        var name = DistinguishedName.Create(commonName: "Zoë, \"the\" admin", organization: "Acme", country: "DE", state: "Berlin", locality: "Berlin");
        var x500 = name.ToX500DistinguishedName();

        Assert.Contains("CN=\"Zoë, \"\"the\"\" admin\"", x500.Name, StringComparison.Ordinal);
        Assert.Contains("C=DE", x500.Name, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CN=a\u0000b")]
    [InlineData("CN=line\nbreak")]
    [InlineData("CN=bell\u0007")]
    [InlineData("C=USA")]
    [InlineData("C=us")]
    [InlineData("CN=")]
    [InlineData("XX=unknown")]
    [InlineData("CN=#04024869")]
    [InlineData("CN")]
    [InlineData("CN=ok,")]
    [InlineData("CN=trailing\\")]
    public void Hostile_or_malformed_names_get_InvalidName(string text)
    {
        var error = Assert.Throws<PkiException>(() => DistinguishedName.Parse(text));
        Assert.Equal(PkiErrorCode.InvalidName, error.Code);
    }

    [Fact]
    public void Values_longer_than_the_rfc5280_upper_bound_are_refused()
    {
        var error = Assert.Throws<PkiException>(() => DistinguishedName.Create(commonName: new string('a', 65)));
        Assert.Equal(PkiErrorCode.InvalidName, error.Code);
    }

    [Fact]
    public void With_replaces_or_adds_an_attribute_in_conventional_position()
    {
        var name = DistinguishedName.Parse("CN=old,O=Acme");

        var renamed = name.With(DistinguishedNameOids.CommonName, "new");
        var withCountry = name.With(DistinguishedNameOids.Country, "US");
        var withUnit = name.With(DistinguishedNameOids.OrganizationalUnit, "Ops");

        Assert.Equal("CN=new,O=Acme", renamed.ToString());
        Assert.Equal("CN=old,O=Acme,C=US", withCountry.ToString());
        Assert.Equal("CN=old,OU=Ops,O=Acme", withUnit.ToString());
        Assert.Equal("O=Acme", name.With(DistinguishedNameOids.CommonName, null).ToString());
    }

    [Property(MaxTest = 300)]
    public Property Any_printable_value_round_trips_through_the_string_form(NonEmptyString common, NonEmptyString organization)
    {
        string cn = Clean(common.Get, 64);
        string o = Clean(organization.Get, 64);
        var name = DistinguishedName.Create(commonName: cn, organization: o, country: "US");
        var parsed = DistinguishedName.Parse(name.ToString());
        var decoded = new System.Security.Cryptography.X509Certificates.X500DistinguishedName(name.Encode());
        return (parsed.Equals(name) && decoded.RawData.AsSpan().SequenceEqual(name.Encode())).ToProperty();
    }

    private static string Clean(string value, int max)
    {
        var chars = value.Where(c => !char.IsControl(c) && !char.IsSurrogate(c)).Take(max).ToArray();
        return chars.Length == 0 ? "x" : new string(chars);
    }
}
