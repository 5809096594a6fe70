using System.Diagnostics;
using Softr.Functions.Telemetry;

namespace Softr.Functions.Tests.Telemetry;

public sealed class ConsoleSpanSummaryTests
{
    [Fact]
    public void EachFinishedSpan_IsOneLine_WrittenOffTheCallersThread_AndAllAreOutByShutdown()
    {
        using var output = new StringWriter();
        using var summary = new ConsoleSpanSummary(output);

        for (var i = 0; i < 3; i++)
        {
            using var span = new Activity($"webhook ingest {i}").Start();
            span.SetTag(SoftrTelemetry.EventIdTag, $"evt_{i}");
            span.Stop();
            summary.OnEnd(span);
        }
        var shutDown = summary.Shutdown(5_000);
        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

        Assert.True(shutDown);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, line => Assert.Matches(@"^trace [0-9a-f]{8} \| webhook ingest \d [\d.]+ ms event=evt_\d$", line));
    }

    [Fact]
    public void ATerminalThatDoesNotKeepUp_NeverBlocksASpan_AndIsToldHowManyLinesItMissed()
    {
        using var blocked = new BlockingWriter();
        using var summary = new ConsoleSpanSummary(blocked);
        using var span = new Activity("POST /api/hooks/{hook}").Start();
        span.Stop();

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 10_000; i++)
        {
            summary.OnEnd(span);
        }
        var elapsed = clock.Elapsed;
        blocked.Release();
        // Generous: on a loaded machine the writer's thread may be slow to come back (a CI run found 5 s too short).
        Assert.True(summary.Shutdown(30_000), "the writer did not finish");

        // The writer was stuck on its first write while 10,000 ended: what got through is at most the bounded
        // backlog (4,096), the line the writer had taken out of it, and two "not shown" notices. Two when the
        // writer started late: it took a line from a full backlog (freeing one place, filled at once), was
        // stuck on the notice for the drops so far, and gave a second notice for the drops after that.
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"ending spans took {elapsed}");
        Assert.Contains("trace lines not shown)", blocked.Text, StringComparison.Ordinal);
        Assert.True(blocked.Lines <= 4096 + 1 + 2, $"{blocked.Lines} lines written");
    }

    private sealed class BlockingWriter : StringWriter
    {
        private readonly ManualResetEventSlim _open = new();
        private int _lines;

        public int Lines => _lines;

        public string Text => GetStringBuilder().ToString();

        public void Release() => _open.Set();

        public override Task WriteLineAsync(string? value)
        {
            _open.Wait();
            Interlocked.Increment(ref _lines);
            return base.WriteLineAsync(value);
        }

        protected override void Dispose(bool disposing)
        {
            _open.Dispose();
            base.Dispose(disposing);
        }
    }
}
