using Microsoft.AspNetCore.Mvc;

namespace Softr.Functions.Webhooks;

/// <summary>
/// What the door makes of a whole delivery: refused as a whole (<see cref="Problem"/>: a body that is not the
/// JSON it claims, a batch of non-objects), or its events, one or (a batch) several, in order.
/// </summary>
public sealed record DeliveryReading(ProblemDetails? Problem, IReadOnlyList<ReadEvent> Events, bool IsBatch)
{
    public static DeliveryReading Refused(ProblemDetails problem) => new(problem, [], IsBatch: false);

    public static DeliveryReading One(ReadEvent read) => new(null, [read], IsBatch: false);

    public static DeliveryReading Batch(IReadOnlyList<ReadEvent> events) => new(null, events, IsBatch: true);
}
