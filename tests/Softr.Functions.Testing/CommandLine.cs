using System.Diagnostics;

namespace Softr.Functions.Testing;

/// <summary>
/// Runs a command to its end and gives its exit code and both outputs, read side by side so that a
/// chatty command cannot block on a full pipe. For tools a test drives (bicep, git, dotnet pack); a
/// process a test keeps running is <see cref="DotnetProcess"/>.
/// </summary>
public static class CommandLine
{
    public sealed record Result(int ExitCode, string Output, string Errors)
    {
        public override string ToString() => $"exit {ExitCode}\n{Output}{Errors}";
    }

    /// <param name="environment">Variables added to (or, when null, removed from) the test's own environment.</param>
    /// <param name="timeout">Five minutes when not given; the command is killed after it.</param>
    public static Result Run(string command, IEnumerable<string> arguments, string? directory = null,
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (directory is not null)
        {
            start.WorkingDirectory = directory;
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} {string.Join(' ', start.ArgumentList)} did not end in time:\n{output.Result}{errors.Result}");
        }
        return new Result(process.ExitCode, output.Result, errors.Result);
    }
}
