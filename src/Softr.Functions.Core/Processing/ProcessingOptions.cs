namespace Softr.Functions.Processing;

/// <summary>How processing retries, waits and gives up (section <c>Processing</c>).</summary>
public sealed class ProcessingOptions
{
    public const string SectionName = "Processing";

    /// <summary>
    /// Attempts at an event that fail transiently (Softr 5xx or 429 after the client's own retries,
    /// timeouts, storage refusing a request) before it is dead-lettered with cause <c>retries-exhausted</c>.
    /// Storage out (no answer, 408, 429, 5xx) is not counted: the attempt waits it out in place, for up to
    /// <see cref="StorageOutageTolerance"/> (unless that is zero).
    /// </summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The delay before the second attempt; it doubles for each later one, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest delay between attempts. With the defaults, 8 attempts span about ten minutes.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long an attempt holds the event against other copies of its message. An attempt that dies
    /// holding it (a killed process) blocks other copies for at most this long; the same message,
    /// redelivered, takes over at once.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// When the event is busy (another copy holds its lease) or no Softr budget came in time, the
    /// message is sent again after about this long, without counting as a failed attempt.
    /// </summary>
    public TimeSpan BusyRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest an event may keep being put back without an attempt (no Softr budget in time, or
    /// another copy running), counted from its first deferral. Past it, an event waiting for budget is
    /// dead-lettered with cause <c>no-budget</c>, to be replayed once the budget is fixed; a duplicate
    /// copy is dropped (the copy that holds the event has its own message). A day by default: far longer
    /// than any backlog at Softr's rates, short enough that a budget that never grants is seen.
    /// </summary>
    public TimeSpan MaxDeferral { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Whether events travel in priority lanes (<see cref="Events.LaneRouting"/>): a queue per priority and an overflow
    /// queue for floods, and a budget that serves high calls first and hooks in turn. False sends every event to the
    /// <c>events</c> queue and serves calls first come, first served, as before lanes: the benchmark's baseline.
    /// </summary>
    public bool Lanes { get; set; } = true;

    /// <summary>Whether the Softr budget is shared by every instance through Table storage (see <see cref="SharedBudget.TableRateBudget"/>).</summary>
    public bool SharedBudget { get; set; } = true;

    /// <summary>
    /// How many seats each shared budget is cut into (see <see cref="SharedBudget.TableRateBudget"/>): at least the
    /// most instances that will run at once, or the extra ones hold none and wait.
    /// </summary>
    public int BudgetSeats { get; set; } = 10;

    /// <summary>The longest a Softr call waits for shared budget before its event is put back on the queue.</summary>
    public TimeSpan MaxBudgetWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long processing waits out a storage outage in place (<see cref="StorageOutage"/>) before its message
    /// fails to the queue's own retries (and, at the fifth, the poison queue). Ten minutes: an outage that
    /// long sends nothing to poison. Zero turns the waiting off.
    /// </summary>
    public TimeSpan StorageOutageTolerance { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a table's schema (field names, types and choices) is cached.</summary>
    public TimeSpan SchemaCacheDuration { get; set; } = TimeSpan.FromMinutes(5);
}
