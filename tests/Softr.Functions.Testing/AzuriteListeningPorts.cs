using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Softr.Functions.Testing;

/// <summary>
/// The ports Azurite says its services listen on ("Azurite Table service is successfully listening at
/// http://127.0.0.1:37891"), read from its output as it starts on port 0.
/// </summary>
internal sealed partial class AzuriteListeningPorts
{
    private readonly TaskCompletionSource<int> _blob = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _queue = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _table = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Read(string? line)
    {
        if (line is null || Listening().Match(line) is not { Success: true } match)
        {
            return;
        }
        var port = int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
        var service = match.Groups["service"].Value switch
        {
            "Blob" => _blob,
            "Queue" => _queue,
            _ => _table,
        };
        service.TrySetResult(port);
    }

    /// <summary>The three ports, once Azurite has said all of them; fails at once if Azurite exits first.</summary>
    public async Task<(int Blob, int Queue, int Table)> WaitAsync(Process azurite, TimeSpan timeout, Func<string> output)
    {
        var all = Task.WhenAll(_blob.Task, _queue.Task, _table.Task);
        var exited = azurite.WaitForExitAsync();
        var finished = await Task.WhenAny(all, exited, Task.Delay(timeout));
        if (finished != all)
        {
            var why = finished == exited ? $"Azurite exited with code {azurite.ExitCode}" : $"Azurite did not say it listened within {timeout}";
            throw new InvalidOperationException($"{why}:\n{output()}");
        }
        return (await _blob.Task, await _queue.Task, await _table.Task);
    }

    // Azurite says it one way ("is successfully listening at"), a blob or queue service started on its own another
    // ("successfully listens on"), and a table service on its own only repeats the port it was given ("successfully
    // started on"; port 0 says nothing, hence [1-9]).
    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service (?:is successfully listening at http://|successfully listens on http://|successfully started on )[^:\s]+:(?<port>[1-9]\d*)")]
    private static partial Regex Listening();
}
