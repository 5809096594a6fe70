using System.Diagnostics.Metrics;
using Softr.Functions.Processing;
using Softr.Functions.Telemetry;

namespace Softr.Functions.Operations;

/// <summary>
/// This process's activity, by minute, hook and counter, for the console's overview: read off the
/// app's own metrics (<see cref="SoftrTelemetry"/>) with a <see cref="MeterListener"/>, so that the door
/// and processing record each thing once, for every exporter and for this. Nothing here touches
/// storage: <see cref="ActivityFlusher"/> writes the changed minutes out in the background.
/// </summary>
public sealed class ActivityTally : IDisposable
{
    private static readonly HashSet<string> Listened =
        [SoftrTelemetryInstruments.Webhooks, SoftrTelemetryInstruments.Attempts, SoftrTelemetryInstruments.DeadLetters, SoftrTelemetryInstruments.SoftrCalls, SoftrTelemetryInstruments.BudgetWait];

    /// <summary>A budget wait shorter than this is a grant at once (a table round trip), not a wait.</summary>
    public const double NoticeableWaitSeconds = 0.05;

    private readonly TimeProvider _time;
    private readonly MeterListener _listener = new();
    private readonly Dictionary<DateTimeOffset, Dictionary<string, Dictionary<string, long>>> _minutes = [];
    private readonly HashSet<DateTimeOffset> _changed = [];

    public ActivityTally(TimeProvider time)
    {
        _time = time;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SoftrTelemetry.Name && Listened.Contains(instrument.Name))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => OnMeasurement(instrument.Name, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => OnMeasurement(instrument.Name, value, tags));
        _listener.Start();
    }

    /// <summary>Adds <paramref name="by"/> to a counter of <paramref name="hook"/> in the current minute.</summary>
    public void Count(string hook, string counter, long by = 1)
    {
        var minute = MinuteOf(_time.GetUtcNow());
        lock (_minutes)
        {
            if (!_minutes.TryGetValue(minute, out var hooks))
            {
                _minutes[minute] = hooks = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
            }
            if (!hooks.TryGetValue(hook, out var counters))
            {
                hooks[hook] = counters = new Dictionary<string, long>(StringComparer.Ordinal);
            }
            counters[counter] = counters.GetValueOrDefault(counter) + by;
            _changed.Add(minute);
        }
    }

    /// <summary>
    /// The minutes counted into since the last call, whole (each is written over its earlier copy, so a
    /// lost write is made good by the next). Minutes more than two minutes past are then forgotten.
    /// </summary>
    public IReadOnlyList<ActivityMinute> TakeChanged()
    {
        var horizon = MinuteOf(_time.GetUtcNow()).AddMinutes(-2);
        lock (_minutes)
        {
            var changed = _changed.Order().Select(minute => new ActivityMinute(minute, _minutes[minute].ToDictionary(
                hook => hook.Key, hook => (IReadOnlyDictionary<string, long>)new Dictionary<string, long>(hook.Value, StringComparer.Ordinal), StringComparer.Ordinal))).ToList();
            _changed.Clear();
            foreach (var old in _minutes.Keys.Where(minute => minute < horizon).ToList())
            {
                _minutes.Remove(old);
            }
            return changed;
        }
    }

    /// <summary>Gives back minutes whose write failed, to be written with the next batch.</summary>
    public void Return(IEnumerable<ActivityMinute> unwritten)
    {
        ArgumentNullException.ThrowIfNull(unwritten);
        lock (_minutes)
        {
            foreach (var minute in unwritten.Where(minute => _minutes.ContainsKey(minute.Minute)))
            {
                _changed.Add(minute.Minute);
            }
        }
    }

    public static DateTimeOffset MinuteOf(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement<T>(string instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags) where T : struct
    {
        string? hook = null, outcome = null, connection = null, token = null;
        var status = 0;
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case "hook":
                    hook = tag.Value as string;
                    break;
                case "outcome":
                    outcome = tag.Value as string;
                    break;
                case "status" when tag.Value is int code:
                    status = code;
                    break;
                case SoftrTelemetry.ConnectionTag:
                    connection = tag.Value as string;
                    break;
                case SoftrTelemetry.TokenTag:
                    token = tag.Value as string;
                    break;
            }
        }
        switch (instrument)
        {
            case SoftrTelemetryInstruments.Webhooks:
                hook ??= "";
                Count(hook, ActivityCounters.Received);
                Count(hook, outcome switch
                {
                    "accepted" or "batch" => ActivityCounters.Accepted,
                    "ignored" => ActivityCounters.Ignored,
                    _ => ActivityCounters.RefusedPrefix + outcome,
                });
                break;
            case SoftrTelemetryInstruments.Attempts when AttemptCounter(outcome) is { } counter:
                Count(hook ?? "", counter);
                break;
            case SoftrTelemetryInstruments.DeadLetters:
                Count(hook ?? "", ActivityCounters.DeadLettered);
                break;
            case SoftrTelemetryInstruments.SoftrCalls:
                CountAppWide(ActivityCounters.SoftrCalls, connection);
                if (status == 429)
                {
                    CountAppWide(ActivityCounters.SoftrThrottled, connection);
                }
                break;
            // Every call asks the budget; a wait is one that was not granted at once.
            case SoftrTelemetryInstruments.BudgetWait when Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) is var seconds && seconds >= NoticeableWaitSeconds:
                CountAppWide(ActivityCounters.BudgetWaits, token is null ? null : ActivityCounters.Token(token));
                CountAppWide(ActivityCounters.BudgetWaitMilliseconds, token is null ? null : ActivityCounters.Token(token), (long)(seconds * 1000));
                break;
        }
    }

    /// <summary>An app-wide count, and the same count kept for the connection or token it belongs to, when it names one.</summary>
    private void CountAppWide(string counter, string? of, long by = 1)
    {
        Count(ActivityCounters.AppWide, counter, by);
        if (of is not null)
        {
            Count(ActivityCounters.AppWide, ActivityCounters.Of(counter, of), by);
        }
    }

    // Dead-lettering is counted from softr.deadletters, which the poison handler's count too.
    private static string? AttemptCounter(string? outcome) => outcome switch
    {
        nameof(ProcessingOutcome.Succeeded) => ActivityCounters.Succeeded,
        nameof(ProcessingOutcome.RetryScheduled) => ActivityCounters.Retried,
        nameof(ProcessingOutcome.Deferred) => ActivityCounters.Deferred,
        // A redelivery is queued again under the same id (the door keeps no ledger, D28): its copy is found done here.
        nameof(ProcessingOutcome.AlreadyFinished) => ActivityCounters.Duplicate,
        _ => null,
    };
}
