namespace Softr.Resilience;

/// <summary>
/// How urgent a Softr call is: a budget serves waiting calls in this order (<see cref="PriorityTurns"/>).
/// Ordered so that a higher value goes first.
/// </summary>
public enum CallPriority
{
    /// <summary>Backfills and imports: what the other lanes leave, with a floor so that it never stops.</summary>
    Bulk = -1,

    /// <summary>Everything not marked otherwise.</summary>
    Normal = 0,

    /// <summary>Someone is waiting for it (a paying customer's onboarding): the next call a budget lets go.</summary>
    High = 1,
}
