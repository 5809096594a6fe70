using System.Text.Json;
using Softr.Functions.Events;
using Softr.Functions.Processing;

namespace Softr.Functions.EndToEndTests.Processing;

/// <summary>
/// Issue #23, sections 2 to 4, in processing: what happens between the door and Softr when copies,
/// retries, replays, erasure and failures interleave. Each test was written against a seam that let an
/// event run twice, come back after erasure, or be given up wrongly.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SeamsTests(ProcessingFixture fixture) : IClassFixture<ProcessingFixture>, IAsyncLifetime
{
    private ProcessingHarness Harness => fixture.Harness;

    public async Task InitializeAsync()
    {
        await Harness.RestartProcessAsync();
        (await Harness.Sandbox.DeleteAsync("/sandbox/faults")).EnsureSuccessStatusCode();
        (await Harness.Sandbox.DeleteAsync("/sandbox/calls")).EnsureSuccessStatusCode();
        await Harness.DrainAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Item 2.2: a redelivered copy (a sender's retry, a copy of the message) used to start again at zero failures.</summary>
    [Fact]
    public async Task RetryLimits_CountPerEvent_SoFreshCopiesCannotRetryForEver()
    {
        var envelope = MagicLink("copies@example.com");
        await Harness.SetFaultsAsync(new { errorRate = 1.0, errorStatus = 503, operations = new[] { "generateMagicLink" } });
        var maxAttempts = new ProcessingOptions().MaxAttempts;

        var outcomes = new List<ProcessingOutcome>();
        for (var copy = 1; copy <= maxAttempts; copy++)
        {
            // Each a fresh copy of the message, as the door queues a sender's redelivery: failures 0 in its envelope.
            outcomes.Add((await Harness.DeliverAsync(envelope, $"copy-{copy}")).Outcome);
        }

        Assert.Equal([.. Enumerable.Repeat(ProcessingOutcome.RetryScheduled, maxAttempts - 1), ProcessingOutcome.DeadLettered], outcomes);
        Assert.Equal(FailureCauses.RetriesExhausted, (await Harness.Get<IEventLog>().FindAsync(envelope.EventId))!.Cause);
    }

    private EventEnvelope MagicLink(string email) =>
        Harness.Envelope(ProcessingFixture.TestHook, JsonSerializer.Serialize(new { kind = "magic-link", email }));
}
