namespace Softr.Functions.Tests.Simulation;

/// <summary>One flow of the simulation: a delivery being processed, a sender posting, an operator's replay or erasure.</summary>
internal sealed class SimActor(string name, CancellationToken cancellationToken)
{
    public string Name { get; } = name;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Killed: never resumed again, as a process that died mid-call.</summary>
    public bool Killed { get; set; }

    public bool Done { get; set; }

    public Exception? Fault { get; set; }

    /// <summary>Where it last parked, when <see cref="SimScheduler.Debug"/> is on (to tell where a stuck flow stopped).</summary>
    public string? LastPark { get; set; }

    /// <summary>What the actor is doing, for the simulation's own records (the event it processes, say).</summary>
    public object? Tag { get; set; }
}

/// <summary>
/// A cooperative scheduler for code written as ordinary async .NET. Every storage and Softr call of the
/// simulated world parks its flow (<see cref="YieldAsync"/>); the scheduler picks, with its seeded random,
/// which parked flow goes on next, and releases it by completing its gate on the scheduler's own thread, so
/// the flow's continuations run inline, there, until it parks again. One flow runs at a time, and the same
/// seed gives the same interleaving. Time moves only when nothing is ready to run.
/// </summary>
internal sealed class SimScheduler(Random random, SimClock clock)
{
    private static readonly AsyncLocal<SimActor?> Current = new();

    private readonly List<(SimActor Actor, TaskCompletionSource Gate, CancellationToken Token, bool Yield)> _ready = [];

    /// <summary>SIM_DEBUG=1: every flow remembers where it last parked (slow; for finding where a flow got stuck).</summary>
    public static bool Debug { get; } = Environment.GetEnvironmentVariable("SIM_DEBUG") == "1";
    private Thread? _thread;

    /// <summary>The flow released last (for a report on a run that does not settle).</summary>
    public string? LastReleased { get; private set; }

    /// <summary>Flows released so far: the simulation's logical clock, for "before" and "after".</summary>
    public long Step { get; private set; }

    public SimActor? CurrentActor => Current.Value;

    public IEnumerable<SimActor> Parked => _ready.Select(parked => parked.Actor).Distinct();

    /// <summary>
    /// Whether <paramref name="actor"/> waits at a yield (not on a timer): the only place a simulated host may cancel it.
    /// A Task.Delay whose token is cancelled resumes its awaiter on the thread pool, off the scheduler's thread; a flow
    /// cancelled at a yield gets the cancellation here, inline, and a wait started afterwards ends at once, inline too.
    /// </summary>
    public bool IsParked(SimActor actor) => _ready.Any(parked => parked.Actor == actor && parked.Yield);

    /// <summary>Starts <paramref name="body"/> as a new flow, ready to be picked.</summary>
    public SimActor Spawn(string name, Func<SimActor, Task> body, CancellationToken cancellationToken = default)
    {
        var actor = new SimActor(name, cancellationToken);
        var gate = new TaskCompletionSource();
        _ready.Add((actor, gate, default, false));
        _ = RunAsync(actor, gate.Task, body);
        return actor;
    }

    /// <summary>A point where another flow may run first. Outside a flow (setting up, checking), it is no point at all.</summary>
    public Task YieldAsync(CancellationToken cancellationToken = default)
    {
        var actor = Current.Value;
        if (_thread is null || actor is null)
        {
            return Task.CompletedTask;
        }
        if (Thread.CurrentThread != _thread)
        {
            throw new InvalidOperationException("A simulated flow ran off the scheduler's thread: something under test awaited what the simulation does not drive. " + Environment.StackTrace);
        }
        if (actor.Killed)
        {
            return new TaskCompletionSource().Task; // never again
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (Debug)
        {
            actor.LastPark = Environment.StackTrace;
        }
        var gate = new TaskCompletionSource();
        _ready.Add((actor, gate, cancellationToken, true));
        return gate.Task;
    }

    /// <summary>Kills <paramref name="actor"/>: whatever it parked on is dropped, and it never runs again.</summary>
    public void Kill(SimActor actor)
    {
        actor.Killed = true;
        _ready.RemoveAll(parked => parked.Actor == actor);
    }

    /// <summary>
    /// Runs until nothing is ready and nothing is due: releases ready flows in a random order, and, when
    /// none is ready, moves time to the earliest of the clock's timers and <paramref name="wakeUp"/>'s answer.
    /// <paramref name="beforeEachStep"/> lets the world start flows (deliveries of visible messages, scripted
    /// operations that are due).
    /// </summary>
    public void Run(Action beforeEachStep, Func<DateTimeOffset?> wakeUp, long maxSteps)
    {
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        _thread = clock.Owner = Thread.CurrentThread;
        try
        {
            while (true)
            {
                beforeEachStep();
                if (_ready.Count > 0)
                {
                    var index = random.Next(_ready.Count);
                    var (actor, gate, token, yielded) = _ready[index];
                    _ready.RemoveAt(index);
                    LastReleased = actor.Name;
                    if (++Step > maxSteps)
                    {
                        throw new InvalidOperationException($"The simulation ran {maxSteps} steps without settling (a livelock?).");
                    }
                    if (yielded && (actor.CancellationToken.IsCancellationRequested || token.IsCancellationRequested))
                    {
                        gate.SetException(new OperationCanceledException(token.IsCancellationRequested ? token : actor.CancellationToken));
                    }
                    else
                    {
                        gate.SetResult();
                    }
                    continue;
                }
                if (clock.FireOne())
                {
                    continue;
                }
                var next = new[] { clock.NextDue, wakeUp() }.Where(at => at is not null).Min();
                if (next is null)
                {
                    return;
                }
                clock.AdvanceTo(next.Value);
            }
        }
        finally
        {
            _thread = clock.Owner = null;
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    private static async Task RunAsync(SimActor actor, Task gate, Func<SimActor, Task> body)
    {
        await gate.ConfigureAwait(false);
        Current.Value = actor;
        try
        {
            await body(actor).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            actor.Fault = exception;
        }
        finally
        {
            actor.Done = true;
        }
    }
}
