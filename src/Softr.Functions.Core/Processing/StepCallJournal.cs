namespace Softr.Functions.Processing;

/// <summary>
/// The Softr calls one step makes, as they go out: a step opens a journal around its action, and the
/// Softr clients' innermost handler (<see cref="Telemetry.SoftrCallRecorder"/>) writes each try into it
/// (retries and 429s included), so the event's timeline shows every call with its status and duration.
/// Ambient (an async-local) because the calls are made deep inside the Softr client, which knows nothing
/// of steps; outside a step (a health check, a test) nothing is journalled.
/// </summary>
public sealed class StepCallJournal : IDisposable
{
    private static readonly AsyncLocal<StepCallJournal?> Open = new();

    private readonly StepCallJournal? _outer;
    private readonly List<SoftrCallRecord> _calls = [];

    private StepCallJournal(StepCallGuard? guard)
    {
        Guard = guard;
        _outer = Open.Value;
        Open.Value = this;
    }

    /// <summary>The journal of the step running on this async flow; null outside one.</summary>
    public static StepCallJournal? Current => Open.Value;

    /// <summary>What each of the step's calls passes as it goes on the wire (<see cref="StepCallGuard"/>); null when nothing guards them.</summary>
    public StepCallGuard? Guard { get; }

    /// <summary>Opens a journal for the code awaited from here until it is disposed.</summary>
    public static StepCallJournal Begin(StepCallGuard? guard = null) => new(guard);

    public IReadOnlyList<SoftrCallRecord> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    public void Add(SoftrCallRecord call)
    {
        lock (_calls)
        {
            _calls.Add(call);
        }
    }

    /// <summary>The calls in a line, for a failure's detail: "POST /users → 500 in 41 ms, POST /users → 201 in 12 ms".</summary>
    public string Describe() => string.Join(", ", Calls);

    public void Dispose() => Open.Value = _outer;
}
