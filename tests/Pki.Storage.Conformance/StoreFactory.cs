namespace Pki.Storage.Conformance;

/// <summary>Placeholder namespace anchor; the conformance suites live beside it.</summary>
internal static class ConformanceAssembly;
