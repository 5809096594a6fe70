using Azure;

namespace Softr.Functions.Tests.Simulation;

/// <summary>
/// What the simulated storage account shares across tables, queues and blobs: the scheduler's yield before
/// each operation, and the faults: an outage (every operation fails, as the SDK fails after its retries: an
/// <see cref="AggregateException"/> of timeouts), random busy answers (503), and writes that land but whose
/// answer is lost (the caller sees a timeout; its retry meets its own write).
/// </summary>
internal sealed class SimStorage(SimScheduler scheduler, SimClock clock, Random random)
{
    /// <summary>Until when every operation fails.</summary>
    public DateTimeOffset OutageUntil { get; set; }

    /// <summary>Share of operations answered 503 before they act.</summary>
    public double BusyRate { get; set; }

    /// <summary>Share of writes that act, then fail as a timeout.</summary>
    public double LostAnswerRate { get; set; }

    public long Operations { get; private set; }

    /// <summary>The flows whose operations were answered busy (503), one entry per answer.</summary>
    public List<string> BusyAnswersTo { get; } = [];

    /// <summary>A scripted fault: a transaction this returns true for acts, then its answer is lost (once; then it is cleared).</summary>
    public Func<string, IReadOnlyList<Azure.Data.Tables.TableTransactionAction>, bool>? LoseAnswerOnce { get; set; }

    /// <summary>A scripted fault: an operation is answered busy (503) before it acts when this returns true for its flow's name.</summary>
    public Func<string, bool>? RefuseFor { get; set; }

    /// <summary>
    /// A scripted pause: awaited before each operation with its flow's name, so a test can hold one flow at a chosen
    /// operation (waiting on the simulated clock) while another runs, and so play one precise interleaving.
    /// </summary>
    public Func<string, Task>? BeforeOperation { get; set; }

    /// <summary>After a transaction acted: whether the scripted fault takes its answer.</summary>
    public void AfterTransaction(string table, IReadOnlyList<Azure.Data.Tables.TableTransactionAction> actions)
    {
        if (LoseAnswerOnce is { } lose && lose(table, actions))
        {
            LoseAnswerOnce = null;
            throw new AggregateException("Retry failed after 3 tries (scripted lost answer).",
                new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout."));
        }
        AfterWrite();
    }

    /// <summary>Before an operation: the scheduler may run another flow first; then the operation may fail.</summary>
    public async Task BeforeAsync(CancellationToken cancellationToken)
    {
        if (BeforeOperation is { } pause)
        {
            await pause(scheduler.CurrentActor?.Name ?? "(no flow)").ConfigureAwait(false);
        }
        await scheduler.YieldAsync(cancellationToken).ConfigureAwait(false);
        Operations++;
        if (clock.Now < OutageUntil)
        {
            throw new AggregateException("Retry failed after 3 tries (simulated outage).",
                new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout."));
        }
        if (RefuseFor is { } refuse && refuse(scheduler.CurrentActor?.Name ?? "(no flow)"))
        {
            throw new RequestFailedException(503, "The server is busy (scripted).", "ServerBusy", null);
        }
        if (BusyRate > 0 && random.NextDouble() < BusyRate)
        {
            BusyAnswersTo.Add(scheduler.CurrentActor?.Name ?? "(no flow)");
            throw new RequestFailedException(503, "The server is busy (simulated).", "ServerBusy", null);
        }
    }

    /// <summary>After a write acted: whether its answer is lost (the caller then sees a timeout).</summary>
    public void AfterWrite()
    {
        if (LostAnswerRate > 0 && random.NextDouble() < LostAnswerRate)
        {
            throw new AggregateException("Retry failed after 3 tries (simulated lost answer).",
                new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout."));
        }
    }
}
