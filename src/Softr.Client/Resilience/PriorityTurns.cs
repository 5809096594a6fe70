namespace Softr.Resilience;

/// <summary>
/// One turn at a time at a budget, given in <see cref="TurnLine{T}"/>'s order: priority first, a floor for bulk,
/// and sources in turn inside a priority. The holder waits for the budget to have room, then asks
/// <see cref="OvertakenAsync"/> before it spends it: a higher-priority caller that arrived meanwhile gets that
/// room, and the holder keeps its place at the front of its own line.
/// </summary>
public sealed class PriorityTurns
{
    /// <summary>
    /// While bulk callers wait, one turn in this many is theirs. A tenth: at Softr's 30 writes a second, an
    /// import keeps moving at 3 a second (about 10,000 an hour) however busy the other lanes are, and a
    /// high caller waits at most one turn in ten longer than it would with bulk starved.
    /// </summary>
    public const int BulkFloorEvery = 10;

    private readonly Lock _gate = new();
    private readonly TurnLine<TaskCompletionSource> _line = new();
    private bool _held;
    // The holder's priority, once it knows it holds the turn (null in between): a holder waits for the budget too.
    private CallPriority? _holder;

    /// <summary>How many callers wait for the turn (the holder not included).</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _line.Count;
            }
        }
    }

    /// <summary>
    /// How many callers of <paramref name="priority"/> wait: for the turn, or holding it for the budget to have room. A
    /// lone caller holds the turn at once and waits as its holder, so it counts.
    /// </summary>
    public int WaitingOf(CallPriority priority)
    {
        lock (_gate)
        {
            return _line.CountOf(priority) + (_holder == priority ? 1 : 0);
        }
    }

    /// <summary>Waits until it is <paramref name="order"/>'s turn. The caller then holds it until <see cref="Release"/>.</summary>
    /// <param name="order">The caller's priority and source.</param>
    /// <param name="cancellationToken">Gives up waiting; the caller then does not hold the turn.</param>
    public async ValueTask TakeAsync(CallOrder order, CancellationToken cancellationToken)
    {
        TaskCompletionSource granted;
        lock (_gate)
        {
            if (!_held)
            {
                _held = true;
                _holder = order.Priority;
                _line.TakenWithoutWaiting();
                return;
            }
            granted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _line.Add(order, granted);
        }
        await WaitForGrantAsync(order, granted, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Asked by the holder just before it spends the budget: when a caller that goes first arrived meanwhile,
    /// the turn passes to it, and this returns true once the holder has the turn back (it should look at the
    /// budget again). False at once when the holder may go.
    /// </summary>
    /// <param name="order">The holder's priority and source.</param>
    /// <param name="cancellationToken">
    /// Gives up waiting for the turn back; the caller then does not hold it, and must not <see cref="Release"/> it.
    /// </param>
    public async ValueTask<bool> OvertakenAsync(CallOrder order, CancellationToken cancellationToken)
    {
        TaskCompletionSource granted;
        TaskCompletionSource? next;
        lock (_gate)
        {
            if (!_line.Outranks(order))
            {
                return false;
            }
            granted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _line.AddFront(order, granted);
            next = _line.Next();
            _holder = null;
        }
        next?.SetResult();
        await WaitForGrantAsync(order, granted, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Gives the turn to whoever goes next.</summary>
    public void Release()
    {
        TaskCompletionSource? next;
        lock (_gate)
        {
            next = _line.Next();
            _held = next is not null;
            _holder = null;
        }
        next?.SetResult();
    }

    private async ValueTask WaitForGrantAsync(CallOrder order, TaskCompletionSource granted, CancellationToken cancellationToken)
    {
        try
        {
            await granted.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                _holder = order.Priority;
            }
        }
        catch (OperationCanceledException)
        {
            bool stillWaiting;
            lock (_gate)
            {
                stillWaiting = _line.Remove(order, granted);
            }
            if (!stillWaiting)
            {
                // Given the turn as it gave up: pass it on, or nobody would ever hold it again.
                Release();
            }
            throw;
        }
    }
}
