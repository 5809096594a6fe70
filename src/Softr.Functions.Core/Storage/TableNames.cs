namespace Softr.Functions.Storage;

/// <summary>The storage tables the app uses, named once (letters and digits only, as tables require).</summary>
public static class TableNames
{
    /// <summary>
    /// Each event's status, history and steps (<c>GET /api/events/{id}</c>), written by processing (its first write is the dedupe, D28): one partition per event.
    /// </summary>
    public const string Events = "events";

    /// <summary>Events that processing gave up on, with their envelope and cause, for triage and replay: one partition.</summary>
    public const string DeadLetters = "deadletters";

    /// <summary>The Softr rate budget shared by every instance: one row per Softr token and kind of call.</summary>
    public const string SoftrBudget = "softrbudget";

    /// <summary>Short leases on one key of one Softr table (an upsert's key value, hashed): one row per key while held.</summary>
    public const string KeyLocks = "keylocks";

    /// <summary>Which events hold which person's e-mail, keyed by a keyed hash of it (never the address): what an erase request finds them by.</summary>
    public const string PersonIndex = "personindex";

    /// <summary>Every processed event, newest first, with what a listing shows (written by processing, never by the door): one partition.</summary>
    public const string EventIndex = "eventindex";

    /// <summary>The console's activity counts: one row per process per minute, one partition per day, kept two days.</summary>
    public const string Activity = "activity";

    /// <summary>
    /// The door's memory of deliveries from senders without event ids: one row per hook and key (an
    /// Idempotency-Key, a payload path's value, or the body's hash; hashed), kept for the hook's window.
    /// </summary>
    public const string Deliveries = "deliveries";

    public static IReadOnlyList<string> All { get; } = [Events, DeadLetters, SoftrBudget, KeyLocks, PersonIndex, EventIndex, Activity, Deliveries];
}
