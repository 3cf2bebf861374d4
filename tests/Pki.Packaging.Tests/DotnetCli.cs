using System.Diagnostics;
using System.Text;

namespace Pki.Packaging.Tests;

/// <summary>Runs the <c>dotnet</c> CLI as a child process with a timeout, capturing its output for failure messages.</summary>
public static class DotnetCli
{
    /// <summary>Generous: the machine has two cores that other test projects share while this one runs.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    public sealed record Result(string CommandLine, string WorkingDirectory, int ExitCode, string Output, TimeSpan Elapsed)
    {
        public string Describe() =>
            $"`{CommandLine}` in {WorkingDirectory} exited {ExitCode} after {Elapsed.TotalSeconds:F1} s; output:{Environment.NewLine}{Output}";
    }

    public static Result Run(string workingDirectory, IReadOnlyList<string> arguments, TimeSpan? timeout = null)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : "dotnet";
        var startInfo = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // `dotnet test` runs us with the SDK's MSBuild variables set for its own build; a child build must find its
        // own SDK (the one the working directory's global.json selects, or the latest one).
        foreach (string name in startInfo.Environment.Keys.ToList())
        {
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || name.Equals("MSBuildExtensionsPath", StringComparison.OrdinalIgnoreCase) || name.Equals("MSBuildSDKsPath", StringComparison.OrdinalIgnoreCase))
            {
                startInfo.Environment.Remove(name);
            }
        }

        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        startInfo.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        startInfo.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        startInfo.Environment["UseSharedCompilation"] = "false";

        var output = new StringBuilder();
        var gate = new object();
        void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (gate)
            {
                output.AppendLine(line);
            }
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        string commandLine = "dotnet " + string.Join(' ', arguments.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a));
        if (!process.WaitForExit(timeout ?? DefaultTimeout))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended between the timeout and the kill.
            }

            process.WaitForExit(TimeSpan.FromSeconds(30));
            string partial;
            lock (gate)
            {
                partial = output.ToString();
            }

            throw new TimeoutException(
                $"`{commandLine}` in {workingDirectory} did not finish within {(timeout ?? DefaultTimeout).TotalMinutes:F0} min; output so far:{Environment.NewLine}{partial}");
        }

        process.WaitForExit(); // drains the asynchronous output readers
        stopwatch.Stop();
        lock (gate)
        {
            return new Result(commandLine, workingDirectory, process.ExitCode, output.ToString(), stopwatch.Elapsed);
        }
    }

    /// <summary>Runs and throws with the whole output when the exit code is not 0.</summary>
    public static Result RunChecked(string workingDirectory, IReadOnlyList<string> arguments, TimeSpan? timeout = null)
    {
        Result result = Run(workingDirectory, arguments, timeout);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException("A dotnet command failed: " + result.Describe());
        }

        return result;
    }
}
