using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Softr.Database;
using Softr.Functions.Events;
using Softr.Functions.Privacy;
using Softr.Functions.Processing;
using Softr.Functions.Storage;
using Softr.Functions.Testing;
using Softr.Functions.Webhooks;
using Softr.Resilience;
using Softr.Users;

namespace Softr.Functions.Tests.Simulation;

/// <summary>
/// The app, whole, in a simulated world: two instances of the real services (ingestor, processor,
/// replayer, eraser, sweeper, poison handler, keeper) over one simulated storage account and one
/// simulated Softr, with the Functions runtime's queue-trigger rules played by <see cref="Dispatch"/>.
/// Every choice (which flow goes on, which call fails, every jitter) comes from the plan's seed, and
/// time is the scheduler's, so a run is repeatable and hours pass in milliseconds. <see cref="Run"/>
/// plays the plan, lets the world settle without faults, and returns every broken promise.
/// </summary>
internal sealed class SimWorld : IDisposable
{
    public const string Hook = "shop";
    private const string Secret = "sim-shop-secret-0123456789abcdef";
    private const int MaxDequeueCount = 5; // host.json
    private const int MaxRunningPerQueue = 16; // host.json: batchSize
    private static readonly TimeSpan VisibilityAfterFailure = TimeSpan.FromSeconds(10); // host.json: visibilityTimeout
    private static readonly TimeSpan VisibilityWhileRunning = TimeSpan.FromMinutes(10); // the runtime's, renewed while it runs
    private static readonly TimeSpan MaxBudgetWait = TimeSpan.FromSeconds(20); // Processing:MaxBudgetWait's default
    private static readonly TimeSpan KeeperInterval = TimeSpan.FromMinutes(5); // KeepUndeliverableFunction
    private static readonly TimeSpan SenderGivesUpAfter = TimeSpan.FromHours(20);
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly SimPlan _plan;

    /// <summary>The queues a trigger reads: every lane's queue and overflow, and their poison queues.</summary>
    private static readonly string[] Dispatched = [.. EventLane.All.SelectMany(lane => lane.TriggerQueues.Concat(lane.PoisonQueues))];

    /// <summary>The runtime's last resort behind each poison queue, which nothing reads.</summary>
    private static readonly string[] Undeliverable = [.. EventLane.All.SelectMany(lane => lane.UndeliverableQueues)];

    /// <summary>The lane the world's hook sends to, by seed: every lane's retries, deferrals, poison and replays are played.</summary>
    private readonly EventLane _lane;
    private readonly SimClock _clock = new(Start);
    private readonly SimScheduler _scheduler;
    private readonly SimStorage _storage;
    private readonly SimTables _tables;
    private readonly SimQueues _queues;
    private readonly SimBlobs _blobs;
    private readonly SimSoftr _softr;
    private readonly SimBudget _budget;
    private readonly Random _world;
    private readonly List<ServiceProvider> _instances = [];
    private readonly List<(SimActor Actor, string Queue, SimMessage Message, CancellationTokenSource Cancel)> _running = [];
    private readonly List<SimActor> _operators = [];
    private readonly List<string> _incidents = []; // broken promises seen as they happened (the rest are checked at the end)
    private readonly List<string> _violations = [];

    private readonly List<(int StepsLeft, bool Kill)> _armed = [];
    private int _nextOp;
    private DateTimeOffset _nextOpDue = Start;
    private DateTimeOffset _calmAt = DateTimeOffset.MaxValue;
    private DateTimeOffset _nextKeeper = Start;
    private bool _keeperRunning;

    // What happened, for the checks.
    private readonly Dictionary<string, (long Step, int Event)> _accepted = new(StringComparer.Ordinal);
    /// <summary>
    /// Each id the door queued, with its plan event and the time it was received as the door first queued it (the time an
    /// erasure is measured against). Not the accepted ones only: an answer can be lost after the message was stored.
    /// </summary>
    private readonly Dictionary<string, (int Event, DateTimeOffset ReceivedAt)> _queuedByTheDoor = new(StringComparer.Ordinal);
    private readonly Dictionary<int, DateTimeOffset> _firstPosted = [];
    private readonly Dictionary<string, int> _leftDeadLetters = new(StringComparer.Ordinal);
    private readonly List<(string Id, long Step)> _outcomeUnknownAt = [];
    private readonly List<(string Id, long Step)> _replayedAt = [];
    private readonly Dictionary<string, string?> _sweptAs = new(StringComparer.Ordinal);
    private readonly List<(string Email, long Started, long Returned, DateTimeOffset StartedAt)> _erasures = [];

    /// <summary>The erasures that returned: whose, and the scheduler's step when each began and returned.</summary>
    public IReadOnlyList<(string Email, long Started, long Returned, DateTimeOffset StartedAt)> Erasures => _erasures;
    private readonly List<string> _processingFailures = [];

    public SimWorld(SimPlan plan, int instances = 2)
    {
        _plan = plan;
        _lane = EventLane.All[(int)((uint)plan.Seed % EventLane.All.Count)];
        _world = new Random(plan.Seed);
        _scheduler = new SimScheduler(new Random(plan.Seed ^ 0x5eed), _clock);
        _storage = new SimStorage(_scheduler, _clock, new Random(plan.Seed ^ 0x570e)) { BusyRate = plan.Rates.StorageBusy, LostAnswerRate = plan.Rates.StorageLostAnswer };
        _tables = new SimTables(_storage) { OnWrite = Watch };
        _queues = new SimQueues(_storage, _clock) { OnSend = KeepsItsQueue };
        _blobs = new SimBlobs(_storage, _clock);
        _softr = new SimSoftr(_scheduler, new Random(plan.Seed ^ 0x50f7))
        {
            RateLimitedRate = plan.Rates.SoftrRateLimited,
            UnavailableRate = plan.Rates.SoftrUnavailable,
            FailedAfterActingRate = plan.Rates.SoftrFailedAfterActing,
            HangAfterActingRate = plan.Rates.SoftrHangAfterActing,
            RefusedRate = plan.Rates.SoftrRefused,
        };
        _budget = new SimBudget(_scheduler, _clock, new Random(plan.Seed ^ 0xb0d6), MaxBudgetWait) { RefusedRate = plan.Rates.BudgetRefused };
        var protection = new EphemeralDataProtectionProvider();
        for (var i = 0; i < instances; i++)
        {
            _instances.Add(Instance(new Random(plan.Seed + i + 1), protection));
        }
    }

    public SimSoftr Softr => _softr;

    public SimBudget Budget => _budget;

    public SimStorage Storage => _storage;

    /// <summary>A table's rows as they stand (read outside the scheduler: for a test to look at after a run).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object?>> RowsOf(string table) => _tables.Rows(table);

    public long Steps => _scheduler.Step;

    public DateTimeOffset Now => _clock.Now;

    public string? LastReleased => _scheduler.LastReleased;

    /// <summary>What the run went through (for a report, and for a check that the plans reach what they are meant to).</summary>
    public Dictionary<string, int> Tally { get; } = new(StringComparer.Ordinal);

    private readonly Dictionary<string, int> _happened = new(StringComparer.Ordinal);
    private readonly List<string> _journal = [];

    /// <summary>What happened, in order, with steps and times: for reading a failing run.</summary>
    public string Journal() => string.Join("\n", _journal);

    private void Note(string what) => _journal.Add(string.Create(CultureInfo.InvariantCulture, $"{_scheduler.Step} {_clock.Now:HH:mm:ss} {what}"));

    private void Count(string what, int by = 1) => _happened[what] = _happened.GetValueOrDefault(what) + by;

    public static string EmailOf(int person) => $"person{person}@example.com";

    public static string OrderOf(int @event) => $"order-{@event}";

    /// <summary>An event of person 0 as the door would queue it, for a test that drives processing itself.</summary>
    public static EventEnvelope Envelope(string id, DateTimeOffset receivedAt) => new()
    {
        EventId = id,
        Hook = Hook,
        Sender = "shared-secret",
        EventType = "webhook",
        ReceivedAt = receivedAt,
        CorrelationId = id,
        Payload = JsonSerializer.SerializeToElement(new { email = EmailOf(0), full_name = "Person 0", order = OrderOf(0) }),
    };

    /// <summary>Whether the door queued <paramref name="id"/> and never answered a delivery with it (its answers were lost).</summary>
    public bool QueuedButNeverAccepted(string id) => _queuedByTheDoor.ContainsKey(id) && !_accepted.ContainsKey(id);

    /// <summary>The id the door gave a plan's event when it accepted it, if it did.</summary>
    public string? AcceptedIdOf(int @event) => _accepted.FirstOrDefault(accepted => accepted.Value.Event == @event).Key;

    /// <summary>The first instance's services, for a scripted test.</summary>
    public IServiceProvider Services => _instances[0];

    /// <summary>Every Softr request for <paramref name="email"/> (sent, whether or not it reached Softr).</summary>
    public IEnumerable<SoftrRequest> CallsFor(string email) => _softr.Sent.Where(request => string.Equals(request.Email, email, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Runs <paramref name="body"/> as a flow of its own in this world (with the flows it starts, <see cref="Spawn"/>, and
    /// the runtime's deliveries of whatever it queues) until everything settles; rethrows what it threw.
    /// </summary>
    public void Script(Func<IServiceProvider, Task> body)
    {
        SimActor? script = null;
        _scheduler.Run(() =>
        {
            script ??= _scheduler.Spawn("script", _ => body(Services));
            BeforeEachStep();
        }, WakeUp, 1_000_000);
        if (script?.Fault is { } fault)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(fault);
        }
    }

    /// <summary>Starts another flow from inside a script.</summary>
    public SimActor Spawn(string name, Func<Task> body) => _scheduler.Spawn(name, _ => body());

    /// <summary>Kills a flow from inside a script, as its process dying: it never runs again, and its timers wake nothing of it.</summary>
    public void Kill(SimActor actor) => _scheduler.Kill(actor);

    /// <summary>Plays the plan, settles without faults, keeps the undeliverable, and checks every promise; returns what broke.</summary>
    public IReadOnlyList<string> Run(long maxSteps = 3_000_000)
    {
        _scheduler.Run(BeforeEachStep, WakeUp, maxSteps);
        // The keeper's last pass, then the checks.
        var keeper = (SimActor?)null;
        _scheduler.Run(() => keeper ??= _scheduler.Spawn("keeper", _ => Any().GetRequiredService<UndeliverableKeeper>().KeepAsync(CancellationToken.None)),
            () => null, maxSteps);
        if (keeper?.Fault is { } fault)
        {
            _incidents.Add($"the keeper's last pass failed: {fault.GetType().Name}: {fault.Message}");
        }
        return Check();
    }

    public void Dispose()
    {
        // The instances are not disposed: a flow killed mid-call never ends, and Polly's pipeline registry waits, on
        // disposal, for every execution in flight. They are left to the garbage collector with the rest of the world.
        foreach (var (_, _, _, cancel) in _running)
        {
            cancel.Dispose();
        }
    }

    private ServiceProvider Instance(Random random, IDataProtectionProvider protection)
    {
        var settings = new Dictionary<string, string?>(SandboxSettings.For(new Uri("http://softr.sim/"), "sim-api-key", "sim.softr.app"))
        {
            [$"Webhooks:Hooks:{Hook}:Sender"] = "shared-secret",
            [$"Webhooks:Hooks:{Hook}:SecretSettings:0"] = "SHOP_SECRET",
            [$"Webhooks:Hooks:{Hook}:Priority"] = _lane.Name,
            // A flood, to a door, is anything past a trickle: here two events in a row, or more than one every fifty
            // seconds, so that the plans' bursts walk the overflow queues too.
            ["Webhooks:FloodBurst"] = "2",
            ["Webhooks:FloodPacePerSecond"] = "0.02",
            ["SHOP_SECRET"] = Secret,
            // No pacing in process: the Softr budget waits its turn in PriorityTurns, whose waiters go on on the thread pool,
            // where no seeded scheduler drives them. The shared budget is SimBudget (a turn, sometimes a refusal), and Softr's
            // 429s are injected by SimSoftr.
            ["Processing:MaxBudgetWait"] = MaxBudgetWait.ToString("c", CultureInfo.InvariantCulture),
            ["Softr:ReadsPerSecond"] = "100000",
            ["Softr:WritesPerSecond"] = "100000",
            // Attempts short enough that five of them and their backoffs end within the total timeout: Polly's total timeout
            // cutting a backoff short would cancel a Task.Delay, which resumes on the thread pool (see SimScheduler.IsParked).
            ["Softr:AttemptTimeout"] = "00:00:05",
            ["Automations:shop-order:Hook"] = Hook,
            ["Automations:shop-order:Steps:0:Id"] = "user",
            ["Automations:shop-order:Steps:0:Action"] = "user.create",
            ["Automations:shop-order:Steps:0:Inputs:email"] = "{{ payload.email }}",
            ["Automations:shop-order:Steps:0:Inputs:fullName"] = "{{ payload.full_name }}",
            ["Automations:shop-order:Steps:0:Inputs:magicLink"] = "true",
            ["Automations:shop-order:Steps:1:Id"] = "invite",
            ["Automations:shop-order:Steps:1:Action"] = "user.invite",
            ["Automations:shop-order:Steps:1:Inputs:email"] = "{{ steps.user.email }}",
            ["Automations:shop-order:Steps:2:Id"] = "member",
            ["Automations:shop-order:Steps:2:Action"] = "record.upsert",
            ["Automations:shop-order:Steps:2:Inputs:database"] = SimSoftr.Database,
            ["Automations:shop-order:Steps:2:Inputs:table"] = SimSoftr.Members,
            ["Automations:shop-order:Steps:2:Inputs:key"] = "Email",
            ["Automations:shop-order:Steps:2:Fields:Email"] = "{{ payload.email }}",
            ["Automations:shop-order:Steps:2:Fields:Name"] = "{{ payload.full_name }}",
            ["Automations:shop-order:Steps:2:Fields:Magic link"] = "{{ steps.user.magicLink }}",
            ["Automations:shop-order:Steps:3:Id"] = "order",
            ["Automations:shop-order:Steps:3:Action"] = "record.create",
            ["Automations:shop-order:Steps:3:Inputs:database"] = SimSoftr.Database,
            ["Automations:shop-order:Steps:3:Inputs:table"] = SimSoftr.Orders,
            ["Automations:shop-order:Steps:3:Fields:Email"] = "{{ payload.email }}",
            ["Automations:shop-order:Steps:3:Fields:Order"] = "{{ payload.order }}",
        };
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddLogging()
            .AddSoftrFunctionsCore();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddSingleton(random);
        services.AddSingleton<TableServiceClient>(_tables);
        services.AddSingleton<QueueServiceClient>(_queues);
        services.AddSingleton<BlobServiceClient>(_blobs);
        services.AddSingleton(protection);
        services.AddSingleton<ISharedRateBudget>(_budget);
        foreach (var client in new[] { nameof(ISoftrUsersClient), nameof(ISoftrDatabaseClient) })
        {
            services.AddHttpClient(client).ConfigurePrimaryHttpMessageHandler(_softr.CreateHandler).SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        }
        return services.BuildServiceProvider();
    }

    private ServiceProvider Any() => _instances[_world.Next(_instances.Count)];

    private void BeforeEachStep()
    {
        var now = _clock.Now;
        while (_nextOp < _plan.Ops.Count && now >= _nextOpDue)
        {
            Begin(_plan.Ops[_nextOp++]);
            _nextOpDue = _nextOp < _plan.Ops.Count ? now + _plan.Ops[_nextOp].Gap : DateTimeOffset.MaxValue;
            if (_nextOp == _plan.Ops.Count)
            {
                _calmAt = now + TimeSpan.FromMinutes(5);
            }
        }
        if (now >= _calmAt)
        {
            // The plan is over: faults stop, and the world settles (retries, deferrals, poison) on its own.
            _calmAt = DateTimeOffset.MaxValue;
            _storage.BusyRate = _storage.LostAnswerRate = 0;
            _softr.FaultsOff();
            _budget.RefusedRate = 0;
        }
        Strike();
        foreach (var queue in EventLane.All.SelectMany(lane => lane.TriggerQueues))
        {
            Dispatch(queue, ProcessAsync);
            Dispatch(EventLane.PoisonOf(queue), HandlePoisonAsync);
        }
        if (now >= _nextKeeper && !_keeperRunning && Undeliverable.Any(queue => _queues.Messages(queue).Count > 0))
        {
            _keeperRunning = true;
            _nextKeeper = now + KeeperInterval;
            _scheduler.Spawn("keeper", async _ =>
            {
                try
                {
                    await Any().GetRequiredService<UndeliverableKeeper>().KeepAsync(CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is RequestFailedException or AggregateException)
                {
                    // The timer's next run tries again.
                }
                finally
                {
                    _keeperRunning = false;
                }
            });
        }
    }

    private DateTimeOffset? WakeUp()
    {
        var now = _clock.Now;
        // The outage's end too: the world settles with storage back.
        var candidates = new List<DateTimeOffset> { _nextOpDue, _calmAt, _storage.OutageUntil };
        candidates.AddRange(Dispatched.SelectMany(name => _queues.Messages(name))
            .Where(message => message.RunningIn is null).Select(message => message.VisibleAt));
        if (Undeliverable.Any(queue => _queues.Messages(queue).Count > 0))
        {
            candidates.Add(_nextKeeper);
        }
        var next = candidates.Where(at => at > now && at != DateTimeOffset.MaxValue).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
        return next == DateTimeOffset.MaxValue ? null : next;
    }

    /// <summary>The Functions runtime's queue trigger: visible messages go to a new invocation, dequeued (counted) first.</summary>
    private void Dispatch(string queue, Func<SimActor, string, SimMessage, ServiceProvider, Task> invoke)
    {
        var now = _clock.Now;
        foreach (var message in _queues.Messages(queue).Where(message => message.RunningIn is null && message.VisibleAt <= now).ToList())
        {
            if (_running.Count(running => running.Queue == queue) >= MaxRunningPerQueue)
            {
                return;
            }
            message.DequeueCount++;
            message.VisibleAt = now + VisibilityWhileRunning;
            var cancel = new CancellationTokenSource();
            var instance = Any();
            var actor = _scheduler.Spawn($"{queue}:{message.Id}#{message.DequeueCount}", async self =>
            {
                try
                {
                    await invoke(self, queue, message, instance).ConfigureAwait(false);
                    Completed(queue, message, self, failure: null);
                }
                catch (Exception exception)
                {
                    Completed(queue, message, self, exception);
                }
            }, cancel.Token);
            message.RunningIn = actor;
            _running.Add((actor, queue, message, cancel));
        }
    }

    private async Task ProcessAsync(SimActor self, string queue, SimMessage message, ServiceProvider instance)
    {
        var envelope = EventEnvelopeSerializer.Deserialize(message.Body);
        self.Tag = envelope.EventId;
        if (queue != envelope.Queue || (_accepted.ContainsKey(envelope.EventId) && envelope.Lane != _lane))
        {
            // Deferrals, retries and replays keep their queue: an event the door accepted for the world's hook is always in
            // that hook's lane, in the queue the door chose (the lane's, or its overflow).
            _incidents.Add($"event {envelope.EventId} ({envelope.Lane.Name}, overflow {envelope.Overflow}) was found in {queue}, not in {envelope.Queue} of lane {_lane.Name}");
        }
        Count(envelope.Overflow ? "delivered from an overflow queue" : "delivered from a lane's queue");
        var result = await instance.GetRequiredService<EventProcessor>().ProcessAsync(envelope, new QueueDelivery(message.Id, message.DequeueCount), self.CancellationToken)
            .ConfigureAwait(false);
        Note($"{self.Name} ({envelope.EventId}, received {envelope.ReceivedAt:HH:mm:ss}): {result.Outcome} {result.Detail}");
        Count($"outcome {result.Outcome}");
    }

    /// <summary>
    /// A delivery that sends its own event again (a retry, a deferral) sends it to the queue it came from: the lane's queue
    /// stays free of a flood's retries, and the overflow's events do not jump back in front of the trickles. Checked against
    /// where the message was found, not against the envelope's own flag.
    /// </summary>
    private void KeepsItsQueue(string queue, BinaryData body)
    {
        var actor = _scheduler.CurrentActor;
        if (actor?.Name.StartsWith("post:", StringComparison.Ordinal) ?? false)
        {
            var queued = EventEnvelopeSerializer.Deserialize(body);
            _queuedByTheDoor.TryAdd(queued.EventId, (int.Parse(actor.Name["post:".Length..], CultureInfo.InvariantCulture), queued.ReceivedAt));
            return;
        }
        var from = _running.FirstOrDefault(running => running.Actor == actor);
        if (from.Actor is null || actor?.Tag is not string eventId || !Dispatched.Contains(from.Queue) || from.Queue.EndsWith("-poison", StringComparison.Ordinal))
        {
            return;
        }
        string sent;
        try
        {
            sent = EventEnvelopeSerializer.Deserialize(body).EventId;
        }
        catch (InvalidEventEnvelopeException)
        {
            return;
        }
        if (sent == eventId && queue != from.Queue)
        {
            _incidents.Add($"event {eventId}, delivered from {from.Queue}, was sent again to {queue}");
        }
        Count(queue.EndsWith("-overflow", StringComparison.Ordinal) ? "sent again to an overflow queue" : "sent again to a lane's queue");
    }

    private static Task HandlePoisonAsync(SimActor self, string queue, SimMessage message, ServiceProvider instance) =>
        instance.GetRequiredService<PoisonEventHandler>().HandleAsync(message.Body, message.Id, self.CancellationToken);

    /// <summary>
    /// The runtime after an invocation: a success deletes the message; a failure shows it again after the
    /// visibility timeout, or, at the last dequeue, moves it to the queue's poison queue (added with the
    /// default time-to-live, as the runtime adds it). With storage down the runtime cannot do either, and
    /// the message shows again when its visibility runs out.
    /// </summary>
    private void Completed(string queue, SimMessage message, SimActor actor, Exception? failure)
    {
        _running.RemoveAll(running => running.Actor == actor);
        message.RunningIn = null;
        if (failure is not null)
        {
            Note($"{actor.Name} failed: {failure.GetType().Name}: {failure.Message}");
            _processingFailures.Add($"{actor.Name}: {failure.GetType().Name}: {failure.Message}");
            if (failure is InvalidOperationException { Message: var text } && text.StartsWith("A simulated flow ran off", StringComparison.Ordinal))
            {
                _incidents.Add(text);
            }
        }
        if (_clock.Now < _storage.OutageUntil)
        {
            return;
        }
        var store = _queues.Messages(queue);
        if (failure is null)
        {
            store.Remove(message);
        }
        else if (message.DequeueCount >= MaxDequeueCount)
        {
            store.Remove(message);
            _queues.Queue(queue + "-poison").Add(message.Body, null, null);
            Count("poisoned");
        }
        else
        {
            message.VisibleAt = _clock.Now + VisibilityAfterFailure;
        }
    }

    private void Begin(SimOp op)
    {
        Note($"begin {op}");
        switch (op)
        {
            case DeliverOp deliver:
                if (_firstPosted.TryGetValue(deliver.Event, out var first) && _clock.Now - first > SenderGivesUpAfter)
                {
                    return; // a copy this late: senders stop retrying well before
                }
                _firstPosted.TryAdd(deliver.Event, _clock.Now);
                Operator($"post:{deliver.Event}", self => PostAsync(self, deliver.Event));
                break;
            case ReplayOp replay:
                Operator($"replay:{replay.Event}", async _ =>
                {
                    foreach (var (id, accepted) in _accepted.Where(accepted => accepted.Value.Event == replay.Event).ToList())
                    {
                        await Any().GetRequiredService<EventReplayer>().ReplayAsync(id, dryRun: false, CancellationToken.None).ConfigureAwait(false);
                    }
                });
                break;
            case ReplayAllOp:
                for (var i = 0; i < 2; i++)
                {
                    Operator($"replay-all:{i}", _ => Any().GetRequiredService<EventReplayer>().ReplayMatchingAsync(new DeadLetterFilter(), false, null, null, CancellationToken.None));
                }
                break;
            case EraseOp erase:
                var (started, startedAt) = (_scheduler.Step, _clock.Now);
                Operator($"erase:{erase.Person}", _ => EraseAsync(EmailOf(erase.Person), erase.Softr, started, startedAt));
                break;
            case SweepOp:
                Operator("sweep", _ => Any().GetRequiredService<RetentionSweeper>().SweepAsync(CancellationToken.None));
                break;
            case KillOp kill:
                // Armed: a delivery dies a few of its steps from now, wherever it then is (between any two storage or Softr calls).
                _armed.Add((kill.Pick % 12, Kill: true));
                break;
            case CancelOp cancel:
                _armed.Add((cancel.Pick % 12, Kill: false));
                break;
            case OutageOp outage:
                _storage.OutageUntil = _clock.Now + outage.Length;
                break;
        }
    }

    /// <summary>An operator's call: answered 503 while storage fails, so the operator calls again later (a minute, then longer, up to an hour), until it goes through.</summary>
    /// <summary>
    /// The armed kills and shutdowns: each counts down the steps taken while deliveries run, then strikes one that
    /// waits at a call. A kill: the flow never runs again, and its message shows again when the runtime's hold on it
    /// runs out. A shutdown: the invocation's token fires, and the flow sees it at that call (see <see cref="SimScheduler.IsParked"/>).
    /// </summary>
    private void Strike()
    {
        for (var i = _armed.Count - 1; i >= 0; i--)
        {
            var parked = _running.Where(running => _lane.TriggerQueues.Contains(running.Queue) && _scheduler.IsParked(running.Actor)).ToList();
            if (parked.Count == 0)
            {
                return;
            }
            if (_armed[i].StepsLeft > 0)
            {
                _armed[i] = (_armed[i].StepsLeft - 1, _armed[i].Kill);
                continue;
            }
            var (victim, _, message, cancel) = parked[_world.Next(parked.Count)];
            if (_armed[i].Kill)
            {
                _scheduler.Kill(victim);
                _running.RemoveAll(running => running.Actor == victim);
                message.RunningIn = null;
                message.VisibleAt = _clock.Now + TimeSpan.FromSeconds(_world.Next(1, (int)VisibilityWhileRunning.TotalSeconds));
                Count("killed");
                Note($"killed {victim.Name} ({victim.Tag})");
            }
            else
            {
                cancel.Cancel();
                Count("cancelled");
                Note($"cancelled {victim.Name} ({victim.Tag})");
            }
            _armed.RemoveAt(i);
        }
    }

    private void Operator(string name, Func<SimActor, Task> body) => _operators.Add(_scheduler.Spawn(name, async self =>
    {
        for (var wait = TimeSpan.FromMinutes(1); ; wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromHours(1).Ticks)))
        {
            try
            {
                await body(self).ConfigureAwait(false);
                return;
            }
            catch (Exception exception) when (IsStorageFailure(exception))
            {
                await Task.Delay(wait, _clock).ConfigureAwait(false);
            }
        }
    }));

    /// <summary>What an admin endpoint answers 503 to: storage failing (and no bug).</summary>
    private static bool IsStorageFailure(Exception exception) =>
        exception is RequestFailedException or AggregateException or TaskCanceledException or EventQueueUnavailableException;

    /// <summary>A sender: posts the event, and on a 5xx (or no answer) tries again later, a few times, as Stripe or Shopify do.</summary>
    private async Task PostAsync(SimActor self, int @event)
    {
        var person = _plan.PersonOf(@event);
        var body = Encoding.UTF8.GetBytes($$"""{"email":"{{EmailOf(person)}}","full_name":"Person {{person}}","order":"{{OrderOf(@event)}}"}""");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["X-Webhook-Secret"] = Secret,
            ["Idempotency-Key"] = OrderOf(@event),
            ["Content-Type"] = "application/json",
        };
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            IngestionResult result;
            try
            {
                var request = new WebhookRequest(Hook, name => headers.GetValueOrDefault(name), "application/json", new MemoryStream(body), "POST",
                    new Uri($"http://localhost/api/webhooks/{Hook}")) { ContentLength = body.Length };
                result = await Any().GetRequiredService<WebhookIngestor>().IngestAsync(request, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                _incidents.Add($"an exception came out of the ingestor ({self.Name}): {exception}");
                return;
            }
            switch (result)
            {
                case IngestionResult.Accepted accepted:
                    Note($"{self.Name}: accepted {accepted.EventId}{(accepted.Duplicate ? " (duplicate)" : "")}");
                    _accepted.TryAdd(accepted.EventId, (_scheduler.Step, @event));
                    return;
                case IngestionResult.Rejected { Problem.Status: >= 500 }:
                    await Task.Delay(TimeSpan.FromSeconds(30 * attempt), _clock).ConfigureAwait(false);
                    break;
                case IngestionResult.Rejected rejected:
                    _incidents.Add($"{self.Name}: a well-formed delivery was refused: {rejected.Problem.Status} {rejected.Problem.Detail}");
                    return;
                default:
                    _incidents.Add($"{self.Name}: unexpected answer {result}");
                    return;
            }
        }
    }

    /// <summary>An erasure (its operator calls again until it goes through); the checks take its first start and its return.</summary>
    private async Task EraseAsync(string email, bool inSoftr, long started, DateTimeOffset startedAt)
    {
        var report = await Any().GetRequiredService<PersonEraser>().EraseAsync(email, dryRun: false, CancellationToken.None, deleteSoftrUser: inSoftr).ConfigureAwait(false);
        Note($"erased {email}: events {string.Join(",", report.Events)}");
        _erasures.Add((email, started, _scheduler.Step, startedAt));
    }

    /// <summary>Watches the events table's summaries: replays (a dead letter taken back), outcome-unknown dead letters, sweeps.</summary>
    private void Watch(string table, IReadOnlyDictionary<string, object?>? before, IReadOnlyDictionary<string, object?>? after)
    {
        if (table != TableNames.Events || (before ?? after)!["RowKey"] as string != EventRows.SummaryRow)
        {
            return;
        }
        var id = (string)(before ?? after)!["PartitionKey"]!;
        var was = before?.GetValueOrDefault(EventRows.Status) as string;
        var now = after?.GetValueOrDefault(EventRows.Status) as string;
        if (was == nameof(EventStatus.DeadLettered) && now is not null && now != nameof(EventStatus.DeadLettered) && now != nameof(EventStatus.Erased))
        {
            _leftDeadLetters[id] = _leftDeadLetters.GetValueOrDefault(id) + 1;
            _replayedAt.Add((id, _scheduler.Step));
        }
        if (now == nameof(EventStatus.DeadLettered) && was != now && after!.GetValueOrDefault(EventRows.Cause) as string == FailureCauses.OutcomeUnknown)
        {
            _outcomeUnknownAt.Add((id, _scheduler.Step));
        }
        if (after is null)
        {
            _sweptAs[id] = was;
        }
    }

    /// <summary>The calls a repeat would do twice (an invitation e-mail, an order record: record.create); record.upsert's create is made safe by its lock.</summary>
    private static readonly string[] UnsafeOperations = ["inviteUser", "createRecord:" + SimSoftr.Orders];

    /// <summary>Checks every promise against what happened and what is stored; returns what broke (a test may tamper first, to see a check fail).</summary>
    public IReadOnlyList<string> Check()
    {
        var rows = _tables.Rows(TableNames.Events).Where(row => (string?)row["RowKey"] == EventRows.SummaryRow)
            .ToDictionary(row => (string)row["PartitionKey"]!, row => row, StringComparer.Ordinal);
        var kept = Undeliverable.SelectMany(queue => _queues.Messages(queue))
            .Select(message => { try { return EventEnvelopeSerializer.Deserialize(message.Body).EventId; } catch (InvalidEventEnvelopeException) { return "?"; } })
            .ToHashSet(StringComparer.Ordinal);

        // Nothing lost: every accepted event ends done, dead-lettered or erased (or waits, kept for ever, for an operator).
        foreach (var (id, (_, @event)) in _accepted)
        {
            var status = rows.TryGetValue(id, out var row) ? row.GetValueOrDefault(EventRows.Status) as string : _sweptAs.GetValueOrDefault(id, "missing");
            if (status is not (nameof(EventStatus.Succeeded) or nameof(EventStatus.DeadLettered) or nameof(EventStatus.Erased)) && !kept.Contains(id))
            {
                _violations.Add($"event {@event} ({id}) was accepted and ended {status ?? "without a status"}, not done, dead-lettered or erased");
            }
            if (status == nameof(EventStatus.Succeeded))
            {
                CheckEffects(id, @event);
            }
        }
        foreach (var queue in Dispatched)
        {
            if (_queues.Messages(queue).Count > 0)
            {
                _violations.Add($"{_queues.Messages(queue).Count} message(s) left in {queue} after the world settled");
            }
        }
        foreach (var queue in EventLane.AllQueues)
        {
            if (_queues.Queue(queue).Expired > 0)
            {
                _violations.Add($"{_queues.Queue(queue).Expired} message(s) of {queue} expired: lost");
            }
        }
        foreach (var queue in Undeliverable.Where(queue => _queues.Messages(queue).Any(message => message.ExpiresOn != DateTimeOffset.MaxValue)))
        {
            _violations.Add($"a message in {queue} can still expire after the keeper ran");
        }

        // Nothing done twice: an unsafe call (an invitation e-mail, a created record) at most once per run the event was given.
        foreach (var group in _softr.Requests.Where(request => request.Acted && UnsafeOperations.Contains(request.Operation) && request.Tag is string)
            .GroupBy(request => ((string)request.Tag!, request.Operation)))
        {
            var allowed = 1 + _leftDeadLetters.GetValueOrDefault(group.Key.Item1);
            if (group.Count() > allowed)
            {
                _violations.Add($"{group.Key.Operation} acted {group.Count()} times for {Describe(group.Key.Item1)}, which was run {allowed} time(s)");
            }
        }
        foreach (var email in _softr.Records(SimSoftr.Members).GroupBy(record => record.Fields.GetValueOrDefault(SimSoftr.FieldId("Email"))).Where(group => group.Count() > 1))
        {
            _violations.Add($"{email.Count()} member records for {email.Key}: record.upsert made a duplicate");
        }

        // Unknown only when it may have acted: each outcome-unknown dead letter follows an unsafe call for that event that went
        // on the wire since the event was last replayed and was not answered 429 (which proves Softr did not act).
        foreach (var (id, step) in _outcomeUnknownAt)
        {
            var since = _replayedAt.Where(replay => replay.Id == id && replay.Step < step).Select(replay => replay.Step).DefaultIfEmpty(0).Max();
            bool Window(SoftrRequest request) => request.Step > since && request.Step <= step && Equals(request.Tag, id) && UnsafeOperations.Contains(request.Operation);
            if (_softr.Sent.Count(Window) <= _softr.Requests.Count(request => Window(request) && request.Status == 429))
            {
                _violations.Add($"{Describe(id)} was dead-lettered as outcome-unknown without an unsafe call having left for it; its history: {History(id)}; its calls: {Calls(id)}");
            }
        }

        // Erased means erased: once an erasure returned, nothing reaches Softr about that person for events received before it began.
        foreach (var (email, _, returned, startedAt) in _erasures)
        {
            foreach (var request in _softr.Requests.Where(request => request.Step > returned && string.Equals(request.Email, email, StringComparison.OrdinalIgnoreCase)
                && !(request.Actor?.StartsWith("erase:", StringComparison.Ordinal) ?? false)))
            {
                // Newer: received after the erasure began, as the door dated it when it queued it. That is the door's time, not
                // when the sender first sent it: a copy past the window of the door's claims is a new event; a repeat within it
                // carries the first one's time.
                var newer = request.Tag is string id && _queuedByTheDoor.TryGetValue(id, out var queued) && queued.ReceivedAt > startedAt;
                if (!newer)
                {
                    _violations.Add($"{request.Operation} for {email} at step {request.Step}, after its erasure returned (step {returned}), from {request.Actor} ({request.Tag})");
                }
            }
        }

        // Erased means erased at rest too: once an erasure has returned, no row and no payload blob of an event received
        // before it began holds the person's address (a copy kept for ever in events-poison-poison waits for an operator).
        foreach (var (email, _, _, startedAt) in _erasures)
        {
            foreach (var (id, _) in _queuedByTheDoor.Where(queued => queued.Value.ReceivedAt <= startedAt && EmailOf(_plan.PersonOf(queued.Value.Event)) == email
                && !kept.Contains(queued.Key)))
            {
                if (HeldAtRest(id, email) is { } where)
                {
                    _violations.Add($"{Describe(id)} still holds {email} in {where} after its erasure returned; its history: {History(id)}");
                }
            }
        }

        foreach (var actor in _operators.Where(actor => actor.Fault is not null))
        {
            _violations.Add($"{actor.Name} failed: {actor.Fault}");
        }
        foreach (var (actor, _, message, _) in _running)
        {
            _violations.Add($"{actor.Name} never finished (message {message.Id}): stuck; it last parked {actor.LastPark ?? "(SIM_DEBUG=1 says where)"}");
        }
        foreach (var actor in _operators.Where(actor => !actor.Done))
        {
            _violations.Add($"{actor.Name} never finished: stuck");
        }
        TallyOutcomes(rows);
        foreach (var trace in _clock.OffThread.Take(3))
        {
            _violations.Add($"a timer was set off the scheduler's thread: {trace}");
        }
        var found = _incidents.Concat(_violations).ToList();
        _violations.Clear();
        return found;
    }

    /// <summary>Where an event's stored rows or payload blob still hold an address, if anywhere.</summary>
    private string? HeldAtRest(string id, string email)
    {
        foreach (var table in new[] { TableNames.Events, TableNames.DeadLetters, TableNames.EventIndex, TableNames.Activity })
        {
            foreach (var row in _tables.Rows(table))
            {
                var text = string.Join("\u0001", row.Values.Select(value => value?.ToString()));
                if (text.Contains(id, StringComparison.Ordinal) && text.Contains(email, StringComparison.OrdinalIgnoreCase))
                {
                    return $"table {table} (row {row.GetValueOrDefault("PartitionKey")} / {row.GetValueOrDefault("RowKey")})";
                }
            }
        }
        return _blobs.Names(ContainerNames.Payloads).Contains(BlobPayloadStore.NameOf(id)) ? $"blob {ContainerNames.Payloads}/{BlobPayloadStore.NameOf(id)}" : null;
    }

    private void TallyOutcomes(Dictionary<string, IReadOnlyDictionary<string, object?>> rows)
    {
        Tally.Clear();
        foreach (var (what, count) in _happened)
        {
            Tally[what] = count;
        }
        void Count(string what, int by = 1) => Tally[what] = Tally.GetValueOrDefault(what) + by;
        Count("accepted", _accepted.Count);
        foreach (var row in rows.Values)
        {
            Count($"ended {row.GetValueOrDefault(EventRows.Status)}");
            if (row.GetValueOrDefault(EventRows.Cause) is string { Length: > 0 } cause)
            {
                Count($"dead letter {cause}");
            }
        }
        Count("swept", _sweptAs.Count);
        Count("replayed", _leftDeadLetters.Values.Sum());
        Count("erasures", _erasures.Count);
        Count("outcome-unknown", _outcomeUnknownAt.Count);
        Count("softr calls", _softr.Requests.Count);
        Count("softr faults", _softr.Requests.Count(request => request.Status is 0 or 429 or 503));
        Count("storage operations", (int)_storage.Operations);
        Count("budget refused", _budget.Refused);
        foreach (var failure in _processingFailures)
        {
            Count($"let out to the runtime: {failure[(failure.IndexOf(": ", StringComparison.Ordinal) + 2)..failure.IndexOf(": ", failure.IndexOf(": ", StringComparison.Ordinal) + 2, StringComparison.Ordinal)]}");
        }
    }

    /// <summary>A succeeded event's effects are all there: its invitation went out, its order and its member record exist.</summary>
    private void CheckEffects(string id, int @event)
    {
        var email = EmailOf(_plan.PersonOf(@event));
        if (!_softr.Requests.Any(request => request.Acted && request.Operation == "inviteUser" && Equals(request.Tag, id)))
        {
            _violations.Add($"{Describe(id)} succeeded but no invitation went out for it");
        }
        if (!_softr.Records(SimSoftr.Orders).Any(record => record.Fields.GetValueOrDefault(SimSoftr.FieldId("Order")) == OrderOf(@event)))
        {
            _violations.Add($"{Describe(id)} succeeded but its order record is not in Softr");
        }
        if (!_softr.Records(SimSoftr.Members).Any(record => record.Fields.GetValueOrDefault(SimSoftr.FieldId("Email")) == email))
        {
            _violations.Add($"{Describe(id)} succeeded but its member record is not in Softr");
        }
    }

    /// <summary>An event's history rows, for a report.</summary>
    private string History(string id) => string.Join(" | ", _tables.Rows(TableNames.Events)
        .Where(row => (string?)row["PartitionKey"] == id && ((string?)row["RowKey"])!.StartsWith(EventRows.HistoryRowPrefix, StringComparison.Ordinal))
        .Select(row => $"{row.GetValueOrDefault(EventRows.Status)}: {row.GetValueOrDefault(EventRows.Detail)}"));

    private string Calls(string id) => string.Join(", ", _softr.Sent.Where(request => Equals(request.Tag, id)).Select(request => $"{request.Step} {request.Operation} {request.Status}"));

    private string Describe(string id) =>
        _accepted.TryGetValue(id, out var accepted) ? string.Create(CultureInfo.InvariantCulture, $"event {accepted.Event} ({id})") : id;

    /// <summary>The failures processing let out to the runtime (retried, then poison): for a report.</summary>
    public IReadOnlyList<string> ProcessingFailures => _processingFailures;

    /// <summary>Every Softr request in order, as text: two runs of one plan must give the same.</summary>
    public string Trace() => string.Join("\n", _softr.Requests.Select(request => $"{request.Step} {request.Operation} {request.Email} {request.Actor} {request.Tag} {request.Acted} {request.Status}"));
}
