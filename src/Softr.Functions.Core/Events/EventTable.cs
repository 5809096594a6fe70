using System.Globalization;
using Azure.Data.Tables;

namespace Softr.Functions.Events;

/// <summary>
/// The layout of the events table, shared by the ingestion ledger and the event log: one partition per
/// event, a <c>summary</c> row with its current status (which is also its dedupe claim) and one row per
/// later change, keyed by time so that they read back in order.
/// </summary>
internal static class EventTable
{
    public const string SummaryRow = "summary";

    // Summary columns.
    public const string Hook = "Hook";
    public const string Type = "Type";
    public const string Status = "Status";
    public const string ReceivedAt = "ReceivedAt";
    public const string UpdatedAt = "UpdatedAt";

    /// <summary>The claim's state: pending (claimed, not yet queued), queued, or released (queueing failed).</summary>
    public const string Claim = "Claim";
    public const string Pending = "pending";
    public const string Queued = "queued";
    public const string Released = "released";

    // History columns.
    public const string At = "At";
    public const string Detail = "Detail";

    public static TableEntity Summary(EventEnvelope envelope, EventStatus status, DateTimeOffset now) => new(envelope.EventId, SummaryRow)
    {
        [Hook] = envelope.Hook,
        [Type] = envelope.EventType,
        [Status] = status.ToString(),
        [ReceivedAt] = envelope.ReceivedAt,
        [UpdatedAt] = now,
    };

    public static TableEntity History(string eventId, EventStatus status, string? detail, DateTimeOffset now) =>
        new(eventId, $"h{now.UtcTicks.ToString("D19", CultureInfo.InvariantCulture)}{Guid.NewGuid():N}")
        {
            [At] = now,
            [Status] = status.ToString(),
            [Detail] = detail,
        };
}
