using System.Diagnostics;
using System.Text;

namespace Softr.Functions.Testing;

/// <summary>
/// A private Azurite (from the repository's pinned npm install) on free ports with in-memory storage,
/// so tests neither depend on nor disturb an Azurite a developer already runs.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    // Azurite's well-known development account (public, documented; not a secret).
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly StringBuilder _output;

    private Azurite(Process process, StringBuilder output, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _output = output;
        ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            $"AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;" +
            $"QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";
    }

    public string ConnectionString { get; }

    /// <summary>What Azurite and its preloaded scripts wrote so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Whether Azurite stopped on its own (a preload's check in verify mode stops it, exit 70).</summary>
    public bool HasExited => _process.HasExited;

    /// <param name="processPerService">
    /// Blobs, queues and tables each in a process of their own: Azurite is single-threaded, and under a benchmark's load
    /// one process is the limit (as in <c>./run.sh</c>). The tests' loads are small, and one process each is enough.
    /// </param>
    /// <param name="checkTableLookups">
    /// Whether the table service checks each of its lookups by key against LokiJS's own (scripts/azurite-table-index.js,
    /// verify mode: twice the work, and Azurite stops on a difference). Tests check; benchmarks pass false.
    /// </param>
    public static async Task<Azurite> StartAsync(bool processPerService = false, bool checkTableLookups = true)
    {
        if (!File.Exists(Path.Combine(RepositoryRoot, "node_modules", "azurite", "package.json")))
        {
            throw new InvalidOperationException($"Azurite is not installed in {RepositoryRoot}node_modules. Run 'npm ci' in the repository root (./test.sh does).");
        }

        // Port 0 for each service (but a table service on its own, below): Azurite binds a port the kernel
        // picks and says which, so no other process can take a port between our choosing it and Azurite
        // binding it (a CI run lost its table port that way: everything Azurite was asked for was refused).
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot,
        };
        // Through a watchdog that stops Azurite when our end of its stdin closes, so that a crashed
        // test host leaves no Azurite behind.
        // A table service on its own does not say which port it bound: it is given a free one (the race above, taken for benchmarks only).
        var tablePort = processPerService ? Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture) : "0";
        foreach (var argument in new[]
        {
            Path.Combine(RepositoryRoot, "scripts", "azurite-while-parent-lives.js"),
            "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--silent",
            "--blobHost", "127.0.0.1", "--blobPort", "0",
            "--queueHost", "127.0.0.1", "--queuePort", "0",
            "--tableHost", "127.0.0.1", "--tablePort", tablePort,
        })
        {
            start.ArgumentList.Add(argument);
        }
        if (processPerService)
        {
            start.ArgumentList.Add("--process-per-service");
        }
        // The table service's lookups by key (scripts/azurite-table-index.js): the tests' small loads check every answer
        // against Azurite's own, and Azurite stops on a difference; a benchmark takes the fast path alone.
        start.Environment["AZURITE_TABLE_INDEX"] = Environment.GetEnvironmentVariable("AZURITE_TABLE_INDEX") ?? (checkTableLookups ? "verify" : "on");

        var output = new StringBuilder();
        var listening = new AzuriteListeningPorts();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) => { lock (output) { output.AppendLine(line.Data); } listening.Read(line.Data); };
        process.ErrorDataReceived += (_, line) => { lock (output) { output.AppendLine(line.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var ports = await listening.WaitAsync(process, TimeSpan.FromSeconds(60), () => { lock (output) { return output.ToString(); } });
        return new Azurite(process, output, ports.Blob, ports.Queue, ports.Table);
    }

    /// <summary>
    /// Stops Azurite dead (SIGSTOP to it and its watchdog), as a storage outage looks to a client: the
    /// connections stay open and nothing answers, so requests time out. Linux only.
    /// </summary>
    public void Freeze() => Signal("STOP");

    /// <summary>Lets a frozen Azurite go on (SIGCONT).</summary>
    public void Thaw() => Signal("CONT");

    private void Signal(string signal)
    {
        foreach (var pid in Tree(_process.Id))
        {
            var result = CommandLine.Run("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"kill -{signal} {pid} failed: {result}");
            }
        }
    }

    /// <summary>A process and its descendants, from /proc.</summary>
    private static IEnumerable<int> Tree(int pid)
    {
        yield return pid;
        var children = $"/proc/{pid}/task/{pid}/children";
        if (!File.Exists(children))
        {
            yield break;
        }
        foreach (var child in File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse))
        {
            foreach (var descendant in Tree(child))
            {
                yield return descendant;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process.HasExited && _process.ExitCode == 70)
        {
            // azurite-table-index.js found a lookup that answered other than LokiJS's own: every test that used this Azurite is suspect.
            _process.Dispose();
            throw new InvalidOperationException($"Azurite stopped: its table lookups by key differed from its own.{Environment.NewLine}{Output}");
        }
        if (!_process.HasExited)
        {
            Thaw(); // a frozen process does not die of SIGKILL's siblings' pipes closing
        }
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private static string RepositoryRoot => RepositoryPaths.Root;
}
