namespace Pki.Core.Tests.Keys;

public sealed class KeySpecificationTests
{
    [Theory]
    [InlineData("RSA", 2048, null, KeyAlgorithm.Rsa2048)]
    [InlineData("rsa", 3072, null, KeyAlgorithm.Rsa3072)]
    [InlineData(" RSA ", 4096, "", KeyAlgorithm.Rsa4096)]
    [InlineData("ECC", null, "1.2.840.10045.3.1.7", KeyAlgorithm.EcdsaP256)]
    [InlineData("ECC", null, "1.3.132.0.34", KeyAlgorithm.EcdsaP384)]
    [InlineData("ECC", null, "1.3.132.0.35", KeyAlgorithm.EcdsaP521)]
    [InlineData("ECC", null, "P-256", KeyAlgorithm.EcdsaP256)]
    [InlineData("EC", null, "secp256r1", KeyAlgorithm.EcdsaP256)]
    [InlineData("ECDSA", null, "prime256v1", KeyAlgorithm.EcdsaP256)]
    [InlineData("ecc", null, "nistp384", KeyAlgorithm.EcdsaP384)]
    [InlineData("ECC", null, "secp521r1", KeyAlgorithm.EcdsaP521)]
    [InlineData("ECC", 256, null, KeyAlgorithm.EcdsaP256)]
    [InlineData("ECC", 384, null, KeyAlgorithm.EcdsaP384)]
    [InlineData("ECC", 521, null, KeyAlgorithm.EcdsaP521)]
    [InlineData("ECC", 384, "1.3.132.0.34", KeyAlgorithm.EcdsaP384)]
    [InlineData("Ed25519", null, null, KeyAlgorithm.Ed25519)]
    [InlineData("ed25519", 256, "1.3.101.112", KeyAlgorithm.Ed25519)]
    [InlineData("ML-DSA-44", null, null, KeyAlgorithm.MlDsa44)]
    [InlineData("ML-DSA-65", 65, null, KeyAlgorithm.MlDsa65)]
    [InlineData("MLDSA87", null, null, KeyAlgorithm.MlDsa87)]
    [InlineData("ML-DSA", 65, null, KeyAlgorithm.MlDsa65)]
    public void Valid_combinations_resolve(string type, int? length, string? curve, KeyAlgorithm expected)
    {
        var spec = KeySpecification.Parse(type, length, curve);
        Assert.Equal(expected, spec.Algorithm);
        Assert.Equal(spec, KeySpecification.For(expected));
    }

    [Theory]
    [InlineData(null, null, null, "key type is required")]
    [InlineData("  ", 2048, null, "key type is required")]
    [InlineData("DSA", 2048, null, "'DSA'")]
    [InlineData("RSA", null, null, "need a key length")]
    [InlineData("RSA", 1024, null, "1024")]
    [InlineData("RSA", 2048, "P-256", "'P-256'")]
    [InlineData("ECC", null, null, "need a curve")]
    [InlineData("ECC", 255, null, "255 matches no supported curve")]
    [InlineData("ECC", null, "brainpoolP256r1", "'brainpoolP256r1'")]
    [InlineData("ECC", null, "1.3.132.0.10", "'1.3.132.0.10'")]
    [InlineData("ECC", 384, "P-256", "contradicts")]
    [InlineData("Ed25519", 448, null, "448")]
    [InlineData("Ed25519", null, "P-256", "'P-256'")]
    [InlineData("ML-DSA", null, null, "parameter set")]
    [InlineData("ML-DSA", 50, null, "50")]
    [InlineData("ML-DSA-44", 65, null, "contradicts")]
    [InlineData("ML-DSA-65", null, "P-256", "'P-256'")]
    public void Invalid_combinations_are_InvalidRequest_naming_the_value(string? type, int? length, string? curve, string fragment)
    {
        var error = Assert.Throws<PkiException>(() => KeySpecification.Parse(type, length, curve));
        Assert.Equal(PkiErrorCode.InvalidRequest, error.Code);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hostile_values_are_clipped_and_cleaned_in_messages()
    {
        var error = Assert.Throws<PkiException>(() => KeySpecification.Parse("ECC", null, new string('x', 10_000) + "\u0000"));
        Assert.True(error.Message.Length < 300);
        Assert.DoesNotContain('\0', error.Message);
        var control = Assert.Throws<PkiException>(() => KeySpecification.Parse("R\u0007SA"));
        Assert.DoesNotContain('\u0007', control.Message);
    }

    [Theory]
    [InlineData(KeyAlgorithm.Rsa2048, "RSA", 2048, null, "RSA-2048")]
    [InlineData(KeyAlgorithm.EcdsaP256, "ECC", 256, "1.2.840.10045.3.1.7", "ECC P-256 (1.2.840.10045.3.1.7)")]
    [InlineData(KeyAlgorithm.EcdsaP521, "ECC", 521, "1.3.132.0.35", "ECC P-521 (1.3.132.0.35)")]
    [InlineData(KeyAlgorithm.Ed25519, "Ed25519", 256, null, "Ed25519")]
    [InlineData(KeyAlgorithm.MlDsa65, "ML-DSA", 65, null, "ML-DSA-65")]
    public void Properties_describe_the_algorithm(KeyAlgorithm algorithm, string type, int length, string? curve, string text)
    {
        var spec = KeySpecification.For(algorithm);
        Assert.Equal((type, length, curve, text), (spec.KeyType, spec.KeyLength, spec.CurveOid, spec.ToString()));
    }

    [Fact]
    public void For_an_undefined_algorithm_is_an_argument_error() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => KeySpecification.For((KeyAlgorithm)999));

    [Fact]
    public void Every_algorithm_round_trips_through_its_own_description()
    {
        foreach (var algorithm in Enum.GetValues<KeyAlgorithm>())
        {
            var spec = KeySpecification.For(algorithm);
            string type = spec.KeyType == "ML-DSA" ? $"ML-DSA-{spec.KeyLength}" : spec.KeyType;
            Assert.Equal(algorithm, KeySpecification.Parse(type, spec.KeyLength, spec.CurveOid).Algorithm);
        }
    }
}
