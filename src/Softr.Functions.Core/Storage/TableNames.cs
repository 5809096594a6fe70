namespace Softr.Functions.Storage;

/// <summary>The storage tables the app uses, named once (letters and digits only, as tables require).</summary>
public static class TableNames
{
    /// <summary>
    /// Each event's dedupe claim, status and history (<c>GET /api/events/{id}</c>): one partition per event.
    /// </summary>
    public const string Events = "events";
}
