using System.Text;
using System.Text.Json;
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
        return (builder, new AutomationDryRun(builder.Catalog!, builder.Secrets!, builder.Reader!));
    }

    private static async Task<DryRunResult> RunAsync(AutomationDryRun dryRun, string hook, string body, Func<string, string?>? headers = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var (result, problem) = await dryRun.RunAsync(hook, new MemoryStream(bytes), bytes.Length, "application/json", headers ?? (_ => null));
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
        Assert.Equal(400, Assert.IsType<Microsoft.AspNetCore.Mvc.ValidationProblemDetails>(result.Problem).Status);
        Assert.Empty(result.Automations);
    }

    [Fact]
    public async Task AValueThatBreaksARule_OnAHookThatRefusesIt_IsRefused_WithThePlanThatSaysWhy()
    {
        var (_, dryRun) = Door();

        var result = await RunAsync(dryRun, "shared-secret", """{"email":"not-an-address","name":"Ada"}""");

        Assert.Equal((DryRunResult.Refused, 422), (result.Verdict, Assert.IsType<Microsoft.AspNetCore.Mvc.ValidationProblemDetails>(result.Problem).Status));
        Assert.Equal(OutcomeStatus.InvalidInput, Assert.Single(result.Automations).Status);
    }

    /// <summary>Found in review: the problem was written as a plain ProblemDetails, so a validation problem lost its errors.</summary>
    [Fact]
    public async Task TheAnswer_WritesTheProblemWhole_WithItsErrors()
    {
        var (_, dryRun) = Door();

        var result = await RunAsync(dryRun, "shared-secret", """{"email":"not-an-address","name":"Ada"}""");
        var json = JsonSerializer.SerializeToElement(result, new JsonSerializerOptions(JsonSerializerDefaults.Web));

        Assert.True(json.GetProperty("problem").GetProperty("errors").TryGetProperty("create-on-shared-secret/user/email", out _), json.GetRawText());
    }

    /// <summary>Found in review: on a hook that takes events breaking its schema (to dead-letter them), the dry run said only "accepted".</summary>
    [Fact]
    public async Task AnEventBreakingTheSchema_OnAHookThatDeadLettersIt_IsAccepted_WithWhereItBreaksIt()
    {
        var builder = new IngestorBuilder { AutomationsJson = "{}" };
        builder.MoreHooks["forms"] = new HookDefinition
        {
            SecretSettings = { IngestorBuilder.SecretSetting },
            SecretHeader = IngestorBuilder.SecretHeader,
            Schema = "schemas/contact-form.schema.json",
            InvalidInput = InvalidInputPolicy.DeadLetter,
        };
        builder.Build();

        var result = await RunAsync(new AutomationDryRun(builder.Catalog!, builder.Secrets!, builder.Reader!), "forms", """{"email":"ada@example.com"}""");

        Assert.Equal(DryRunResult.Accepted, result.Verdict);
        Assert.NotEmpty(result.SchemaErrors!);
    }

    /// <summary>Found in review: the door refused an overlong Idempotency-Key, the dry run did not check it.</summary>
    [Fact]
    public async Task AnOverlongIdempotencyKey_IsRefused_AsTheDoorRefusesIt()
    {
        var (_, dryRun) = Door();
        var key = new string('k', WebhookIngestor.MaxIdempotencyKeyLength + 1);

        var result = await RunAsync(dryRun, "shared-secret", """{"email":"ada@example.com","name":"Ada"}""",
            name => name == WebhookIngestor.IdempotencyKeyHeader ? key : null);

        Assert.Equal((DryRunResult.Refused, 400), (result.Verdict, Assert.IsAssignableFrom<Microsoft.AspNetCore.Mvc.ProblemDetails>(result.Problem).Status));
    }

    /// <summary>Found in review: the door refuses every delivery to a hook with no usable secret (503, fail closed); the dry run planned it.</summary>
    [Fact]
    public async Task AHookWithNoUsableSecret_IsRefused_AsTheDoorRefusesIt()
    {
        var builder = new IngestorBuilder { AutomationsJson = DoorSamples.CreateUserOnEveryHook() }.WithEveryKind(InvalidInputPolicy.Default);
        // As App Service leaves a Key Vault reference it could not resolve.
        builder.MoreSettings["STRIPE_SECRET"] = "@Microsoft.KeyVault(VaultName=kv-x;SecretName=stripe)";
        var ingestor = builder.Build();
        var body = DoorSamples.Bytes("stripe");

        var door = await ingestor.IngestAsync(SignedDeliveries.Request("stripe", body, DateTimeOffset.UtcNow), CancellationToken.None);
        var result = await RunAsync(new AutomationDryRun(builder.Catalog!, builder.Secrets!, builder.Reader!), "stripe", DoorSamples.ByKind["stripe"]);

        var refused = Assert.IsType<IngestionResult.Rejected>(door);
        Assert.Equal(503, refused.Problem.Status);
        Assert.Equal((DryRunResult.Refused, 503), (result.Verdict, Assert.IsAssignableFrom<Microsoft.AspNetCore.Mvc.ProblemDetails>(result.Problem).Status));
    }
}
