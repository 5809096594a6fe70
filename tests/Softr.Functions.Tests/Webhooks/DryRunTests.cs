using System.Text;
using Softr.Functions.Automations;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests.Webhooks;

/// <summary>
/// Issue #24, item 2: the dry run reads a sample with the door's own reader. It used to skip the batch split, the
/// signup and schema checks and the event filter, so it could promise a plan the door would never run.
/// (DoorPropertyTests holds the two equal over generated deliveries; these are the cases that differed.)
/// </summary>
public sealed class DryRunTests
{
    private static (IngestorBuilder Builder, AutomationDryRun DryRun) Door()
    {
        var builder = new IngestorBuilder { AutomationsJson = DoorSamples.CreateUserOnEveryHook() }.WithEveryKind(InvalidInputPolicy.Default);
        builder.Build();
        return (builder, new AutomationDryRun(builder.Catalog!, builder.Reader!));
    }

    private static async Task<DryRunResult> RunAsync(AutomationDryRun dryRun, string hook, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var (result, problem) = await dryRun.RunAsync(hook, new MemoryStream(bytes), bytes.Length, "application/json", _ => null);
        Assert.Null(problem);
        return result!;
    }

    [Fact]
    public async Task AHubSpotBatch_IsSplit_AndEachEventHasItsOwnVerdictAndPlan()
    {
        var (_, dryRun) = Door();

        var result = await RunAsync(dryRun, "hubspot", DoorSamples.ByKind["hubspot"]);

        Assert.Equal(DryRunResult.Batch, result.Verdict);
        Assert.Equal(["contact.propertyChange", "contact.creation"], result.Events!.Select(item => item.EventType));
        Assert.All(result.Events!, item => Assert.Equal(OutcomeStatus.Planned, Assert.Single(item.Automations).Status));
    }

    [Fact]
    public async Task AnInvalidSignup_IsRefusedWithTheDoorsProblem_NotPlanned()
    {
        var (_, dryRun) = Door();

        var result = await RunAsync(dryRun, IngestorBuilder.Hook, """{"email":"","full_name":"Ada"}""");

        Assert.Equal(DryRunResult.Refused, result.Verdict);
        Assert.Equal(400, result.Problem!.Status);
        Assert.Empty(result.Automations);
    }

    [Fact]
    public async Task AValueThatBreaksARule_OnAHookThatRefusesIt_IsRefused_WithThePlanThatSaysWhy()
    {
        var (_, dryRun) = Door();

        var result = await RunAsync(dryRun, "shared-secret", """{"email":"not-an-address","name":"Ada"}""");

        Assert.Equal((DryRunResult.Refused, 422), (result.Verdict, result.Problem!.Status));
        Assert.Equal(OutcomeStatus.InvalidInput, Assert.Single(result.Automations).Status);
    }
}
