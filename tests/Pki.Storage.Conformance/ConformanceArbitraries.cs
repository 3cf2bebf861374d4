using FsCheck;
using FsCheck.Fluent;

namespace Pki.Storage.Conformance;

/// <summary>A set of record ids to store, in insertion order, and a page size to read them back with.</summary>
/// <param name="Ids">Distinct 32-character lower-case hex ids, in the order they are added.</param>
/// <param name="PageSize">The page size, 1 to 20.</param>
public sealed record PagingScenario(IReadOnlyList<string> Ids, int PageSize)
{
    /// <inheritdoc />
    public override string ToString() => $"PagingScenario {{ PageSize = {PageSize}, Ids = [{string.Join(", ", Ids)}] }}";
}

/// <summary>FsCheck generators for the conformance properties.</summary>
public static class ConformanceArbitraries
{
    // A small alphabet makes long shared prefixes common, which is where ordinal ordering and keyset cursors break.
    private static readonly Gen<string> IdGen =
        Gen.ArrayOf(Gen.Elements('0', '7', '8', 'a', 'f'), 32).Select(chars => new string(chars));

    /// <summary>0 to 60 distinct ids in random order and a page size of 1 to 20.</summary>
    public static Arbitrary<PagingScenario> PagingScenario() =>
        Arb.From(
            from count in Gen.Choose(0, 60)
            from ids in Gen.ListOf(IdGen, count)
            from pageSize in Gen.Choose(1, 20)
            select new PagingScenario([.. ids.Distinct(StringComparer.Ordinal)], pageSize));
}
