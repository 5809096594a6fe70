using Softr.Functions.Automations;
using Softr.Functions.Events;

namespace Softr.Functions.Processing;

/// <summary>
/// An event ready to run (<see cref="PlanExecutor.PrepareAsync"/>): its envelope with the payload loaded, what its
/// automations do, and that plan as the event's page shows it (masked JSON), written with the attempt's outcome
/// whatever the outcome is.
/// </summary>
public sealed record PreparedEvent(EventEnvelope Envelope, EventPlan Plan, string ShownPlan);
