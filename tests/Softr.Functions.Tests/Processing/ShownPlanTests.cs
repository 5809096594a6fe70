using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Softr.Functions.Events;
using Softr.Functions.Processing;
using Softr.Functions.Tests.Simulation;

namespace Softr.Functions.Tests.Processing;

/// <summary>
/// The plan an attempt made is what the event's page shows, whatever the attempt's outcome (issue #24, item 5):
/// a retry scheduled after Softr failed, and a deferral for budget, write it as a success does. In the simulated world.
/// </summary>
public sealed class ShownPlanTests
{
    [Theory]
    [InlineData("Softr unavailable: a retry", ProcessingOutcome.RetryScheduled)]
    [InlineData("no shared budget: a deferral", ProcessingOutcome.Deferred)]
    [InlineData("all well", ProcessingOutcome.Succeeded)]
    public void TheAttemptsPlan_IsShown_WhateverItsOutcome(string situation, ProcessingOutcome expected)
    {
        var rates = expected switch
        {
            ProcessingOutcome.RetryScheduled => new SimRates(SoftrUnavailable: 1),
            ProcessingOutcome.Deferred => new SimRates(BudgetRefused: 1),
            _ => SimRates.None,
        };
        using var world = new SimWorld(new SimPlan(31, 1, rates, []));
        ProcessingResult? result = null;
        string? plan = null;

        world.Script(async services =>
        {
            var envelope = SimWorld.Envelope("evt_shown_plan", world.Now);
            // Processed here, not delivered by the world: the outcome is this attempt's. (The world settles what it queued after.)
            result = await services.GetRequiredService<EventProcessor>().ProcessAsync(envelope, new QueueDelivery("msg-1", 1));
            (_, plan) = await services.GetRequiredService<EventIndex>().GetShownAsync(envelope.EventId, envelope.ReceivedAt, default);
            world.Budget.RefusedRate = 0; // so that the deferred copy the world delivers next goes through, and the world settles soon
        });

        Assert.True(result!.Outcome == expected, $"{situation}: {result}");
        Assert.NotNull(plan);
        var automation = JsonDocument.Parse(plan).RootElement.GetProperty("automations")[0];
        Assert.Equal("shop-order", automation.GetProperty("name").GetString());
        Assert.DoesNotContain(SimWorld.EmailOf(0), plan, StringComparison.OrdinalIgnoreCase);
    }
}
