namespace Softr.Functions.Storage;

/// <summary>The storage tables the app uses, named once (letters and digits only, as tables require).</summary>
public static class TableNames
{
    /// <summary>One row per sender event received: the dedupe ledger.</summary>
    public const string Deliveries = "deliveries";

    /// <summary>Each event's status and history, for <c>GET /api/events/{id}</c>.</summary>
    public const string Events = "events";
}
