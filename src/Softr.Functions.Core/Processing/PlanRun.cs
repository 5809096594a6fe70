namespace Softr.Functions.Processing;

/// <summary>
/// What running an event's plans did: in words fit for the status (never a value), and the last step's
/// record (its credential results sealed apart), held for the final write.
/// </summary>
public sealed record PlanRun(string Detail, StepRecord? LastStep, string? LastStepSecrets = null);
