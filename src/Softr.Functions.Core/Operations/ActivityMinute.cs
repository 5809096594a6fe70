namespace Softr.Functions.Operations;

/// <summary>
/// What happened in one minute, as one process counted it: per hook, per counter (<see cref="ActivityCounters"/>).
/// Counters that are not a hook's (Softr calls, budget waits) are under the hook <see cref="ActivityCounters.AppWide"/>.
/// </summary>
public sealed record ActivityMinute(DateTimeOffset Minute, IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Counts);
