using BenchmarkDotNet.Running;
using Pki.Storage.Benchmarks;

// "plans [rows]": fill SQLite and PostgreSQL with certificates and print the query plans and page timings.
// "paired [rounds] [issuances]": the SQLite/in-memory ratio at 8 callers, both stores measured within seconds, per round.
// Anything else goes to BenchmarkDotNet (e.g. --filter '*StoreIssuance*' --job short).
if (args.Length > 0 && args[0] == "plans")
{
    int rows = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
    return await QueryPlanTool.RunAsync(rows, args.Skip(2).ToArray());
}

if (args.Length > 0 && args[0] == "paired")
{
    int rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 6;
    int issuances = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 8_000;
    return await PairedRatioTool.RunAsync(rounds, issuances);
}

BenchmarkSwitcher.FromAssembly(typeof(StoreIssuanceBenchmarks).Assembly).Run(args);
return 0;
