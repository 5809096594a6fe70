namespace Softr.Functions.Webhooks;

/// <summary>The event a delivery is, by its key: its id, whether it was seen before, and when it was first (a repeat is the event received then).</summary>
public sealed record DeliveryClaim(string EventId, DeliveryClaimOutcome Outcome, DateTimeOffset FirstSeen);
