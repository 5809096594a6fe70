namespace Softr.Functions.Operations;

/// <summary>The names the console's activity counts are kept under.</summary>
public static class ActivityCounters
{
    /// <summary>The "hook" of counters that belong to the whole app (Softr calls, budget waits).</summary>
    public const string AppWide = "";

    public const string Received = "received";
    public const string Accepted = "accepted";
    public const string Duplicate = "duplicate";
    public const string Ignored = "ignored";

    /// <summary>Refused at the door: <c>refused:{problem}</c>, the problem type's last segment (<c>refused:bad-signature</c>).</summary>
    public const string RefusedPrefix = "refused:";

    public const string Succeeded = "succeeded";
    public const string Retried = "retried";
    public const string Deferred = "deferred";
    public const string DeadLettered = "dead-lettered";

    public const string SoftrCalls = "softr-calls";
    public const string SoftrThrottled = "softr-429";
    public const string BudgetWaits = "budget-waits";
    public const string BudgetWaitMilliseconds = "budget-wait-ms";

    /// <summary>
    /// An app-wide counter kept for one Softr connection (<c>softr-calls@portal-b</c>) or one token's budget
    /// (<c>budget-waits@token:{fingerprint}</c>), beside the app-wide total.
    /// </summary>
    public static string Of(string counter, string connectionOrToken) => $"{counter}@{connectionOrToken}";

    /// <summary>What <see cref="Of"/> names a token's budget by: its fingerprint, never the token.</summary>
    public static string Token(string fingerprint) => $"token:{fingerprint}";

    /// <summary>Adds <paramref name="counters"/> into <paramref name="hook"/>'s totals in <paramref name="totals"/>.</summary>
    public static void AddInto(IDictionary<string, Dictionary<string, long>> totals, string hook, IReadOnlyDictionary<string, long> counters)
    {
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(counters);
        if (!totals.TryGetValue(hook, out var total))
        {
            totals[hook] = total = new Dictionary<string, long>(StringComparer.Ordinal);
        }
        foreach (var (counter, value) in counters)
        {
            total[counter] = total.GetValueOrDefault(counter) + value;
        }
    }
}
