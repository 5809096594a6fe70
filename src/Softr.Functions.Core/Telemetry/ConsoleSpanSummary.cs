using System.Diagnostics;
using System.Globalization;
using OpenTelemetry;

namespace Softr.Functions.Telemetry;

/// <summary>
/// The local run's view of the traces: one line per finished span, indented under its trace, e.g.
/// <c>trace 4bf9.. | POST api/hooks/{hook} 12.3 ms</c> / <c>  | event process 48.1 ms event=evt_..</c>.
/// The full OpenTelemetry console exporter prints a dozen lines per span; this keeps a webhook's life
/// readable in the terminal that runs it.
/// </summary>
public sealed class ConsoleSpanSummary(TextWriter output) : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var eventId = data.GetTagItem(SoftrTelemetry.EventIdTag) as string;
        var status = data.Status == ActivityStatusCode.Error ? " ERROR" : "";
        var line = string.Create(CultureInfo.InvariantCulture,
            $"trace {data.TraceId.ToHexString()[..8]} | {(data.Parent is null && data.ParentSpanId == default ? "" : "  ")}{data.DisplayName} {data.Duration.TotalMilliseconds:0.0} ms{(eventId is null ? "" : $" event={eventId}")}{status}");
        lock (output)
        {
            output.WriteLine(line);
        }
    }
}
