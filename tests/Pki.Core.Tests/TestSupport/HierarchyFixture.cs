namespace Pki.Core.Tests.TestSupport;

/// <summary>A root and an issuing CA shared by the tests of one class (CA creation is the slow part of a test).</summary>
public class HierarchyFixture : IAsyncLifetime
{
    private readonly KeyAlgorithm _root;
    private readonly KeyAlgorithm _issuing;

    public HierarchyFixture()
        : this(KeyAlgorithm.EcdsaP256, KeyAlgorithm.EcdsaP256)
    {
    }

    protected HierarchyFixture(KeyAlgorithm root, KeyAlgorithm issuing)
    {
        _root = root;
        _issuing = issuing;
    }

    public PkiTestHost Host { get; } = new();

    public AuthorityRecord Root { get; private set; } = null!;

    public AuthorityRecord Issuing { get; private set; } = null!;

    public async Task InitializeAsync() => (Root, Issuing) = await Host.CreateHierarchyAsync(_root, _issuing);

    public Task DisposeAsync()
    {
        Host.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>An RSA root over a P-384 issuing CA: mixed algorithms in one chain.</summary>
public sealed class MixedHierarchyFixture() : HierarchyFixture(KeyAlgorithm.Rsa2048, KeyAlgorithm.EcdsaP384);
