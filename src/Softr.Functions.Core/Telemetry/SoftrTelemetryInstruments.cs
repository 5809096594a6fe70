namespace Softr.Functions.Telemetry;

/// <summary>The names of the app's metric instruments, for those that listen to them in process (<see cref="Operations.ActivityTally"/>).</summary>
public static class SoftrTelemetryInstruments
{
    public const string Webhooks = "softr.webhooks";
    public const string Attempts = "softr.processing.attempts";
    public const string DeadLetters = "softr.deadletters";
    public const string SoftrCalls = "softr.calls";
    public const string BudgetWait = "softr.budget.wait";
}
