namespace Pki.Core;

/// <summary>What one tidy pass should do; every property has a default, so <c>new TidyRequest()</c> tidies everything.</summary>
public sealed record TidyRequest
{
    /// <summary>What to remove. Default <see cref="TidyTargets.All"/>.</summary>
    public TidyTargets Targets { get; init; } = TidyTargets.All;

    /// <summary>The most batches of each kind this pass runs, or null for <c>PkiOptions.Tidy.MaxBatchesPerRun</c>; at least 1.</summary>
    public int? MaxBatchesPerKind { get; init; }
}
