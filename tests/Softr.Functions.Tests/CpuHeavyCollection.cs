namespace Softr.Functions.Tests;

/// <summary>
/// Tests that keep the CPU busy for seconds (the 200-instance budget simulation): run on their own,
/// after the others, so that the few tests that read a real clock (RateLimiterTests) are not starved.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CpuHeavyCollection
{
    public const string Name = "cpu-heavy";
}
