namespace Softr.Resilience;

/// <summary>
/// Where a Softr call stands in line for its budget: its <see cref="Priority"/>, and the <see cref="Source"/> it
/// takes turns with inside that priority (a webhook, say), so that one source's flood does not hold up another's
/// trickle. Set for a flow of work with <see cref="Begin"/>; the rate limiter reads <see cref="Current"/>.
/// </summary>
/// <param name="Priority">The lane the call waits in.</param>
/// <param name="Source">Who the call is for; calls of one priority go round the sources in turn.</param>
public readonly record struct CallOrder(CallPriority Priority, string Source)
{
    private static readonly AsyncLocal<CallOrder?> Ambient = new();

    /// <summary>A call nobody marked: normal priority, from no particular source.</summary>
    public static CallOrder Unmarked { get; } = new(CallPriority.Normal, "");

    /// <summary>The order of the calls made in the current flow (async context), or <see cref="Unmarked"/>.</summary>
    public static CallOrder Current => Ambient.Value ?? Unmarked;

    /// <summary>Marks every Softr call made in the current flow, until the returned scope is disposed.</summary>
    /// <param name="order">Their priority and source.</param>
    public static IDisposable Begin(CallOrder order)
    {
        var previous = Ambient.Value;
        Ambient.Value = order;
        return new Scope(previous);
    }

    private sealed class Scope(CallOrder? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
