using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using OpenTelemetry;

namespace Softr.Functions.Telemetry;

/// <summary>
/// The local run's view of the traces: one line per finished span, indented under its trace, e.g.
/// <c>trace 4bf9.. | POST api/hooks/{hook} 12.3 ms</c> / <c>  | event process 48.1 ms event=evt_..</c>.
/// The full OpenTelemetry console exporter prints a dozen lines per span; this keeps a webhook's life
/// readable in the terminal that runs it. Lines are handed to a writer of their own: a request never
/// waits for the terminal (a slow one, or a pipe through <c>tee</c>, throttled the whole local run).
/// Under a load no one can read, lines beyond a few thousand waiting are dropped and counted.
/// </summary>
public sealed class ConsoleSpanSummary : BaseProcessor<Activity>
{
    private const int MaxWaiting = 4096;

    private readonly Channel<string> _lines = Channel.CreateBounded<string>(new BoundedChannelOptions(MaxWaiting)
    {
        // Wait, not DropWrite: TryWrite then says "full" (DropWrite would drop and still answer true). It never waits.
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });

    private readonly Task _writer;
    private long _dropped;

    public ConsoleSpanSummary(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _writer = Task.Run(() => WriteAsync(output));
    }

    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var eventId = data.GetTagItem(SoftrTelemetry.EventIdTag) as string;
        var status = data.Status == ActivityStatusCode.Error ? " ERROR" : "";
        var line = string.Create(CultureInfo.InvariantCulture,
            $"trace {data.TraceId.ToHexString()[..8]} | {(data.Parent is null && data.ParentSpanId == default ? "" : "  ")}{data.DisplayName} {data.Duration.TotalMilliseconds:0.0} ms{(eventId is null ? "" : $" event={eventId}")}{status}");
        if (!_lines.Writer.TryWrite(line))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        _lines.Writer.TryComplete();
        return _writer.Wait(Math.Max(0, timeoutMilliseconds));
    }

    private async Task WriteAsync(TextWriter output)
    {
        await foreach (var line in _lines.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                if (Interlocked.Exchange(ref _dropped, 0) is > 0 and var dropped)
                {
                    await output.WriteLineAsync($"(busy: {dropped} trace lines not shown)").ConfigureAwait(false);
                }
                await output.WriteLineAsync(line).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // The terminal went away (a closed pipe): the line is lost, the writer goes on, and nothing waits on it.
                Interlocked.Increment(ref _dropped);
            }
        }
        try
        {
            await output.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException)
        {
            // Nothing left to write to.
        }
    }
}
