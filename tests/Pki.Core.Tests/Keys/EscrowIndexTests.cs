using System.Security.Cryptography;
using System.Text;
using Pki.Core.Keys;

namespace Pki.Core.Tests.Keys;

/// <summary>The escrow index is stored: its bytes are a format, pinned here (SHA-256 over marker, organization, 0, [requester, 0,] SPKI).</summary>
public sealed class EscrowIndexTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("acme")]
    [InlineData("Ünïcødé Org")]
    public void The_index_is_sha256_over_the_organization_and_the_public_key(string? organization)
    {
        byte[] spki = RandomNumberGenerator.GetBytes(91);
        byte[] expected = SHA256.HashData(organization is null
            ? [0, .. spki]
            : [1, .. Encoding.UTF8.GetBytes(organization), 0, .. spki]);

        Assert.Equal(expected, PrivateKeyEscrow.IndexOf(organization, spki));
    }

    [Theory]
    [InlineData(null, "operator")]
    [InlineData("acme", "operator")]
    [InlineData("Ünïcødé Org", "ünïcødé-user")]
    public void A_generated_keys_index_adds_the_generating_caller(string? organization, string requester)
    {
        byte[] spki = RandomNumberGenerator.GetBytes(91);
        byte[] expected = SHA256.HashData(organization is null
            ? [2, .. Encoding.UTF8.GetBytes(requester), 0, .. spki]
            : [3, .. Encoding.UTF8.GetBytes(organization), 0, .. Encoding.UTF8.GetBytes(requester), 0, .. spki]);

        Assert.Equal(expected, PrivateKeyEscrow.IndexOf(organization, requester, spki));
        Assert.NotEqual(PrivateKeyEscrow.IndexOf(organization, spki), PrivateKeyEscrow.IndexOf(organization, requester, spki));
    }
}
