namespace Softr.Functions.Tests;

/// <summary>
/// Tests that listen to the app's static metric instruments and need them quiet: run on their own, since any test
/// running beside them records on the same instruments (an activity minute changed by another test's count looked,
/// to <c>ActivityTallyTests</c>, like a change the tally should not have reported).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StaticTelemetryCollection
{
    public const string Name = "static-telemetry";
}
