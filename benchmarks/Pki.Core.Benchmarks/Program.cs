using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Pki.Core.Benchmarks.CsrSigningBenchmarks).Assembly).Run(args);
