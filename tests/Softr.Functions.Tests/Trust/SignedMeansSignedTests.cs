using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Softr.Functions.Automations;
using Softr.Functions.Health;
using Softr.Functions.Hosting;
using Softr.Functions.Tests.Webhooks;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests.Trust;

/// <summary>
/// Issue #23, section 1: only what a sender's signature (or secret) covers decides whether a delivery is
/// authentic, what it is and which event it is. Each test was written against a seam that let something
/// unsigned through.
/// </summary>
public sealed class SignedMeansSignedTests
{
    private const string ValidSignup = """{"email":"ada@example.com","full_name":"Ada Lovelace"}""";
    private const string UnresolvedReference = "@Microsoft.KeyVault(VaultName=kv-x;SecretName=s)";

    [Fact]
    public async Task UnresolvedKeyVaultReference_AsTheHookSecret_IsNoSecret_TheHookRefusesEveryDelivery()
    {
        var builder = new IngestorBuilder();
        builder.MoreSettings[IngestorBuilder.SecretSetting] = UnresolvedReference;

        // The reference's own text, which is what App Service leaves in the setting, is guessable.
        var result = await builder.Build().IngestAsync(IngestorBuilder.Request(ValidSignup, secret: UnresolvedReference));

        var problem = Assert.IsType<IngestionResult.Rejected>(result).Problem;
        Assert.Equal(503, problem.Status);
        Assert.Equal("urn:softr-functions:problem:hook-unavailable", problem.Type);
        Assert.DoesNotContain(IngestorBuilder.SecretSetting, problem.Detail, StringComparison.Ordinal);
        Assert.Empty(builder.Enqueued);
    }

    [Fact]
    public async Task UnresolvedKeyVaultReference_OnOneOfTwoRotatingSecrets_LeavesTheOtherWorking()
    {
        var builder = new IngestorBuilder();
        builder.MoreSettings["NEXT_SECRET"] = UnresolvedReference;
        builder.MoreHooks["rotating"] = new HookDefinition { SecretSettings = { IngestorBuilder.SecretSetting, "NEXT_SECRET" }, SecretHeader = IngestorBuilder.SecretHeader };
        var ingestor = builder.Build();

        Assert.IsType<IngestionResult.Accepted>(await ingestor.IngestAsync(IngestorBuilder.Request("{}", hook: "rotating")));
        Assert.IsType<IngestionResult.Rejected>(await ingestor.IngestAsync(IngestorBuilder.Request("{}", secret: UnresolvedReference, hook: "rotating")));
    }

    [Fact]
    public async Task UnresolvedKeyVaultReferences_AreNamedByHealth_AndLoggedAsErrorsAtStart_NeverShown()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SIGNUP_HOOK_SECRET"] = UnresolvedReference,
            ["Softr:ApiKey"] = " @microsoft.keyvault(SecretUri=https://kv-x.vault.azure.net/secrets/softr)",
            ["GOOD_SECRET"] = "a-real-secret-0123456789",
            ["Softr:Connections:client-b:ApiKey"] = UnresolvedReference,
            ["Softr:Connections:client-c:ApiKey"] = "a-real-softr-key",
        }).Build();
        var hooks = new WebhooksOptions();
        hooks.Hooks["signup"] = new HookDefinition { SecretSettings = { "SIGNUP_HOOK_SECRET" } };
        hooks.Hooks["other"] = new HookDefinition { SecretSettings = { "GOOD_SECRET" } };
        var connections = new SoftrConnections(new StaticOptionsMonitor<SoftrClientOptions>(configuration.GetSection("Softr").Get<SoftrClientOptions>()!));
        var audit = new SecretSettingsAudit(configuration, new StaticOptionsMonitor<WebhooksOptions>(hooks), connections);
        var logs = new ListLogger<UnresolvedSecretsLogger>();

        var health = await new SecretsHealthCheck(audit).CheckHealthAsync(new HealthCheckContext());
        await new UnresolvedSecretsLogger(audit, logs).StartAsync(CancellationToken.None);

        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Equal("unresolved Key Vault reference in: SIGNUP_HOOK_SECRET, Softr:ApiKey, Softr:Connections:client-b:ApiKey", health.Description);
        Assert.Equal(["SIGNUP_HOOK_SECRET", "Softr:ApiKey", "Softr:Connections:client-b:ApiKey"],
            logs.Entries.Where(entry => entry.Level == LogLevel.Error).Select(entry => entry.State["Setting"]));
        Assert.DoesNotContain(logs.Entries, entry => entry.Message.Contains("VaultName", StringComparison.OrdinalIgnoreCase) || entry.Message.Contains("vault.azure.net", StringComparison.Ordinal));
        Assert.True(audit.SoftrApiKeyUnresolved);
        Assert.Equal("Softr:Connections:client-b:ApiKey", audit.UnresolvedSoftrKeyOf("client-b"));
        Assert.Null(audit.UnresolvedSoftrKeyOf("client-c"));
    }

    [Fact]
    public void TheDemoHookSecret_StopsTheStart_OnceSoftrIsNotTheSandbox()
    {
        static IReadOnlyList<string> Problems(string apiKey)
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["SIGNUP_HOOK_SECRET"] = HookSecrets.DemoSecret,
                ["Softr:ApiKey"] = apiKey,
            }).Build();
            var hooks = new WebhooksOptions();
            hooks.Hooks["signup"] = new HookDefinition { SecretSettings = { "SIGNUP_HOOK_SECRET" } };
            var result = new WebhooksOptionsValidator(new HookSecrets(configuration), Softr.Functions.Webhooks.Senders.WebhookSenders.All,
                new PayloadSchemas.Folder(TestPaths.RepositoryRoot)).Validate(hooks);
            return [.. result.Errors.Select(error => error.ErrorMessage)];
        }

        Assert.Empty(Problems(HookSecrets.SandboxApiKey));
        var problem = Assert.Single(Problems("a-real-softr-key"));
        Assert.Contains("SIGNUP_HOOK_SECRET", problem, StringComparison.Ordinal);
        Assert.Contains("demo secret", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(HookSecrets.DemoSecret, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDemoSecretAndTheSandboxKey_AreTheOnesTheLocalRunShips()
    {
        var defaults = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "src", "Softr.Functions.LocalHost", "defaults.json"));
        var sandbox = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "src", "Softr.Sandbox", "SandboxOptions.cs"));

        Assert.Contains($"\"SIGNUP_HOOK_SECRET\": \"{HookSecrets.DemoSecret}\"", defaults, StringComparison.Ordinal);
        Assert.Contains($"\"ApiKey\": \"{HookSecrets.SandboxApiKey}\"", defaults, StringComparison.Ordinal);
        Assert.Contains($"\"{HookSecrets.SandboxApiKey}\"", sandbox, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LemonSqueezy_TakesTheTypeFromTheSignedBody_AndRefusesAHeaderThatDisagrees()
    {
        var builder = new IngestorBuilder().WithEveryKind();
        var ingestor = builder.Build();
        const string refund = """{"meta":{"event_name":"subscription_payment_refunded"},"data":{"type":"subscription-invoices","id":"77","attributes":{"updated_at":"2026-11-24T12:00:00Z"}}}""";
        var now = builder.Time.GetUtcNow();

        var forged = await ingestor.IngestAsync(WithHeader(SignedDeliveries.Request("lemonsqueezy", refund, now), "X-Event-Name", "order_created"));
        var honest = await ingestor.IngestAsync(WithHeader(SignedDeliveries.Request("lemonsqueezy", refund, now), "X-Event-Name", "subscription_payment_refunded"));
        var headerless = await ingestor.IngestAsync(SignedDeliveries.Request("lemonsqueezy", refund, now));

        Assert.Equal(401, Assert.IsType<IngestionResult.Rejected>(forged).Problem.Status);
        Assert.IsType<IngestionResult.Accepted>(honest);
        Assert.IsType<IngestionResult.Accepted>(headerless);
        Assert.All(builder.Enqueued, envelope => Assert.Equal("subscription_payment_refunded", envelope.EventType));
        Assert.Equal(2, builder.Enqueued.Count);
    }

    [Fact]
    public async Task SvixBrandedStandardWebhooks_TakeTheEventIdFromTheSignedSvixId_NotAnAddedWebhookId()
    {
        var builder = new IngestorBuilder().WithEveryKind();
        var ingestor = builder.Build();
        var body = Encoding.UTF8.GetBytes("""{"type":"user.created","data":{"email_addresses":[{"email_address":"ada@example.com"}]}}""");
        // The StandardWebhooks package reads the real clock for its 5-minute window.
        var now = DateTimeOffset.UtcNow;

        var first = await ingestor.IngestAsync(SvixRequest(body, now, ("webhook-id", "msg_forged_1")));
        var again = await ingestor.IngestAsync(SvixRequest(body, now, ("webhook-id", "msg_forged_2")));
        var plain = await ingestor.IngestAsync(SvixRequest(body, now));

        var ids = new[] { first, again, plain }.Select(result => Assert.IsType<IngestionResult.Accepted>(result).EventId).Distinct().ToList();
        Assert.Single(ids);
        Assert.All(builder.Enqueued, envelope => Assert.Equal("msg_svix_signed", envelope.SenderEventId));
    }

    [Fact]
    public void AConditionsReason_NeverEchoesTheValueItTested()
    {
        var builder = new IngestorBuilder
        {
            AutomationsJson = """
                { "vip-only": { "Hook": "anything", "When": { "Path": "payload.plan", "Equals": "vip" },
                  "Steps": [ { "Action": "user.invite", "Inputs": { "email": "{{ payload.email }}" } } ] } }
                """,
        };
        builder.Build();
        const string secretLooking = "sk_live_0123456789abcdef-ada@example.com";

        var evaluation = builder.Evaluator!.Evaluate(builder.Catalog!.Find("anything")!, "webhook",
            System.Text.Json.JsonDocument.Parse($$"""{"plan":"{{secretLooking}}","email":"ada@example.com"}""").RootElement, new Dictionary<string, string?>());

        var outcome = Assert.Single(evaluation.Automations);
        Assert.Equal(OutcomeStatus.ConditionFailed, outcome.Status);
        Assert.Contains("payload.plan must equal 'vip'", outcome.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("sk_live", outcome.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("ada@", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASecretInTheUrl_IsRefusedUnlessTheHookOptsIn()
    {
        var builder = new IngestorBuilder();
        builder.MoreHooks["query-ok"] = new HookDefinition { SecretSettings = { IngestorBuilder.SecretSetting }, AllowQueryToken = true };
        var ingestor = builder.Build();
        WebhookRequest InUrl(string hook) => IngestorBuilder.Request(ValidSignup, secret: null, hook: hook) with
        {
            Url = new Uri($"https://functions.example.com/api/hooks/{hook}?token={IngestorBuilder.Secret}"),
        };

        var refused = await ingestor.IngestAsync(InUrl(IngestorBuilder.Hook));
        var optedIn = await ingestor.IngestAsync(InUrl("query-ok"));

        Assert.Equal(401, Assert.IsType<IngestionResult.Rejected>(refused).Problem.Status);
        Assert.IsType<IngestionResult.Accepted>(optedIn);
    }

    private static WebhookRequest WithHeader(WebhookRequest request, string name, string value)
    {
        var inner = request.Headers;
        return request with { Headers = header => string.Equals(header, name, StringComparison.OrdinalIgnoreCase) ? value : inner(header) };
    }

    /// <summary>A Standard Webhooks delivery as Svix brands it: signed over svix-id, svix-timestamp and the body, with extra unsigned headers.</summary>
    private static WebhookRequest SvixRequest(byte[] body, DateTimeOffset now, params (string Name, string Value)[] extra)
    {
        const string id = "msg_svix_signed";
        var ts = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var key = Convert.FromBase64String(SignedDeliveries.StandardSecret["whsec_".Length..]);
        var signature = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, (byte[])[.. Encoding.UTF8.GetBytes($"{id}.{ts}."), .. body]));
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["svix-id"] = id, ["svix-timestamp"] = ts, ["svix-signature"] = signature };
        foreach (var (name, value) in extra)
        {
            headers[name] = value;
        }
        return new WebhookRequest("standard-webhooks", name => headers.GetValueOrDefault(name), "application/json", new MemoryStream(body), "POST",
            new Uri(SignedDeliveries.Url("standard-webhooks"))) { ContentLength = body.Length };
    }
}
