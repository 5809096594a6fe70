namespace Softr.Resilience;

/// <summary>
/// Who goes next among the callers waiting for one budget: plain bookkeeping, not thread-safe (its owner,
/// <see cref="PriorityTurns"/>, holds a lock around it), so that the rules are tested on their own.
/// <list type="number">
/// <item><b>Priority first.</b> A high caller goes before any normal one, a normal one before any bulk one.</item>
/// <item><b>A floor for bulk.</b> While bulk callers wait, every <see cref="BulkFloorEvery"/>th turn is
/// theirs, whoever else waits: bulk gets what the others leave, and never less than a tenth of the budget.</item>
/// <item><b>Sources take turns.</b> Inside a priority, sources (webhooks) go round in turn, each its callers in
/// arrival order, so that one source's flood does not hold up another's trickle.</item>
/// </list>
/// </summary>
/// <typeparam name="T">What stands for a waiting caller.</typeparam>
internal sealed class TurnLine<T> where T : class
{
    /// <summary>While bulk callers wait, one turn in this many is theirs (<see cref="PriorityTurns.BulkFloorEvery"/>).</summary>
    public const int BulkFloorEvery = PriorityTurns.BulkFloorEvery;

    private readonly Lane[] _lanes = [new(), new(), new()];
    private int _turnsWhileBulkWaited;

    /// <summary>How many callers wait.</summary>
    public int Count => _lanes.Sum(lane => lane.Count);

    /// <summary>How many callers of <paramref name="priority"/> wait.</summary>
    public int CountOf(CallPriority priority) => _lanes[IndexOf(priority)].Count;

    /// <summary>Whether the caller holding the turn now was given it for the bulk floor (it is then not overtaken).</summary>
    public bool HolderByFloor { get; private set; }

    /// <summary>Puts <paramref name="waiter"/> at the back of its source's line.</summary>
    public void Add(CallOrder order, T waiter) => LaneOf(order).Add(order.Source, waiter, atFront: false);

    /// <summary>
    /// Puts <paramref name="waiter"/>, which held the turn but was overtaken before it used it, back at the front of its
    /// source's line. Its turn did not count towards bulk's floor: the permit goes to the one overtaking it, which counts.
    /// </summary>
    public void AddFront(CallOrder order, T waiter)
    {
        if (order.Priority != CallPriority.Bulk && _turnsWhileBulkWaited > 0)
        {
            _turnsWhileBulkWaited--;
        }
        LaneOf(order).Add(order.Source, waiter, atFront: true);
    }

    /// <summary>The turn was taken with nobody waiting: not a floor turn.</summary>
    public void TakenWithoutWaiting() => HolderByFloor = false;

    /// <summary>Takes a caller that gave up out of the line; false when it is not there (it was given the turn meanwhile).</summary>
    public bool Remove(CallOrder order, T waiter) => LaneOf(order).Remove(order.Source, waiter);

    /// <summary>
    /// Whether a waiting caller goes before <paramref name="holder"/>, which holds the turn but has not used it:
    /// one of a higher priority, unless the holder was given the turn for the bulk floor.
    /// </summary>
    public bool Outranks(CallOrder holder)
    {
        if (HolderByFloor)
        {
            return false;
        }
        for (var index = IndexOf(holder.Priority) + 1; index < _lanes.Length; index++)
        {
            if (_lanes[index].Count > 0)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Takes the caller whose turn it is out of the line; null when nobody waits.</summary>
    public T? Next()
    {
        var bulk = _lanes[IndexOf(CallPriority.Bulk)];
        var others = _lanes[IndexOf(CallPriority.High)].Count > 0 ? _lanes[IndexOf(CallPriority.High)]
            : _lanes[IndexOf(CallPriority.Normal)].Count > 0 ? _lanes[IndexOf(CallPriority.Normal)]
            : null;
        HolderByFloor = bulk.Count > 0 && others is not null && _turnsWhileBulkWaited >= BulkFloorEvery - 1;
        var lane = others is null || HolderByFloor ? bulk : others;
        if (lane.Count == 0)
        {
            return null;
        }
        _turnsWhileBulkWaited = lane == bulk || bulk.Count == 0 ? 0 : _turnsWhileBulkWaited + 1;
        return lane.Next();
    }

    private Lane LaneOf(CallOrder order) => _lanes[IndexOf(order.Priority)];

    /// <summary>Bulk, normal, high: 0, 1, 2 (a value outside the enum counts as normal, as the app's lanes take it).</summary>
    private static int IndexOf(CallPriority priority) => priority switch
    {
        CallPriority.Bulk => 0,
        CallPriority.High => 2,
        _ => 1,
    };

    /// <summary>One priority's callers: a line per source, and the sources in the order they take their turns.</summary>
    private sealed class Lane
    {
        private readonly Dictionary<string, LinkedList<T>> _bySource = new(StringComparer.Ordinal);
        private readonly LinkedList<string> _rotation = new();

        public int Count { get; private set; }

        public void Add(string source, T waiter, bool atFront)
        {
            if (!_bySource.TryGetValue(source, out var line))
            {
                line = new LinkedList<T>();
                _bySource[source] = line;
                _rotation.AddLast(source);
            }
            if (atFront)
            {
                // Overtaken, not sent round again: it is first in its source's line, and its source goes next in the rotation.
                line.AddFirst(waiter);
                _rotation.Remove(source);
                _rotation.AddFirst(source);
            }
            else
            {
                line.AddLast(waiter);
            }
            Count++;
        }

        public bool Remove(string source, T waiter)
        {
            if (!_bySource.TryGetValue(source, out var line) || !line.Remove(waiter))
            {
                return false;
            }
            Count--;
            if (line.Count == 0)
            {
                _bySource.Remove(source);
                _rotation.Remove(source);
            }
            return true;
        }

        public T Next()
        {
            var source = _rotation.First!.Value;
            var line = _bySource[source];
            var waiter = line.First!.Value;
            line.RemoveFirst();
            Count--;
            _rotation.RemoveFirst();
            if (line.Count == 0)
            {
                _bySource.Remove(source);
            }
            else
            {
                _rotation.AddLast(source);
            }
            return waiter;
        }
    }
}
