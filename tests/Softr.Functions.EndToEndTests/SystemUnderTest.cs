using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Softr.Functions.App;
using Softr.Functions.LocalHost;
using Softr.Functions.Storage;
using Softr.Functions.Testing;
using Softr.Sandbox;

namespace Softr.Functions.EndToEndTests;

/// <summary>
/// The whole system as `./run.sh` starts it: Azurite, the Softr sandbox and the local host, each on a
/// free port. Logs are collected in memory at Trace level so that tests can check what is logged.
/// </summary>
public abstract class SystemUnderTest : IAsyncLifetime
{
    public const string Hook = "e2e";

    /// <summary>A shared-secret hook that creates the user, whose repeated bodies count as one event for two seconds only.</summary>
    public const string RepeatsHook = "repeats";

    /// <summary>A hook whose automation creates the user, then invites them.</summary>
    public const string OnboardHook = "onboard";
    public const string HookSecret = "e2e-hook-secret-0123456789";
    public const string SoftrApiKey = "e2e-softr-api-key-0123456789";
    public const string StripeSecret = "whsec_e2e_0123456789abcdef";
    public const string SoftrDomain = "e2e.softr.app";
    public const string MasterKey = "e2e-master-key-0123456789";

    private Azurite? _azurite;
    private WebApplication? _sandbox;
    private WebApplication? _host;

    /// <summary>The local host, with the master key on every request (hooks ignore it; key-protected routes need it). Every answer is checked against docs/openapi.yaml (<see cref="ApiContractCheck"/>).</summary>
    public HttpClient Host { get; }

    /// <summary>The local host without a key.</summary>
    public HttpClient Anonymous { get; }

    /// <summary>What <see cref="Host"/> and <see cref="Anonymous"/> were answered, each answer checked against docs/openapi.yaml.</summary>
    public ApiContractCheck Answers { get; } = new();

    public HttpClient Sandbox { get; } = new();

    public CapturedLogs Logs { get; } = new();

    /// <summary>Every span the local host finished (OpenTelemetry's in-memory exporter).</summary>
    public List<System.Diagnostics.Activity> Spans { get; } = [];

    public QueueServiceClient Queues { get; private set; } = null!;

    public string StorageConnectionString => _azurite!.ConnectionString;

    /// <summary>A service of the local host's own.</summary>
    public T Get<T>() where T : notnull => _host!.Services.GetRequiredService<T>();

    /// <summary>This system's Azurite, for tests that take storage away (<see cref="Azurite.Freeze"/>).</summary>
    public Azurite Storage => _azurite!;

    /// <summary>Whether the local host is still running (a background service that throws stops it).</summary>
    public bool HostIsRunning => _host is not null && !_host.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested;

    /// <summary>Every metric the local host exported (in-memory; call <see cref="FlushMetrics"/> first).</summary>
    public List<OpenTelemetry.Metrics.Metric> Metrics { get; } = [];

    /// <summary>Settings a subclass adds on top of the defaults (highest precedence).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => [];

    /// <summary>A setting this system adds to the host's configuration (null when it adds none by that name).</summary>
    public string? Setting(string name) => ExtraSettings().FirstOrDefault(setting => setting.Key == name).Value;

    /// <summary>More <c>--Sandbox:...</c> arguments a subclass wants (more apps, say).</summary>
    protected virtual IEnumerable<string> ExtraSandboxArguments() => [];

    /// <summary>A sandbox seed file (databases and tables) a subclass wants; null for the sandbox's own.</summary>
    protected virtual string? SandboxSeedFile => null;

    /// <summary>Exports the metrics collected so far to <see cref="Metrics"/>.</summary>
    public void FlushMetrics() => _host!.Services.GetService<OpenTelemetry.Metrics.MeterProvider>()?.ForceFlush();

    protected SystemUnderTest()
    {
        Host = new HttpClient(Answers, disposeHandler: false) { DefaultRequestHeaders = { { "x-functions-key", MasterKey } } };
        Anonymous = new HttpClient(Answers, disposeHandler: false);
    }

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        Queues = new QueueServiceClient(_azurite.ConnectionString, StorageServiceCollectionExtensions.CreateClientOptions());

        _sandbox = SandboxApp.Build(
            ["--urls=http://127.0.0.1:0", $"--Sandbox:ApiKey={SoftrApiKey}", $"--Sandbox:Domain={SoftrDomain}",
             .. SandboxSeedFile is null ? Array.Empty<string>() : [$"--Sandbox:SeedFile={SandboxSeedFile}"], .. ExtraSandboxArguments()],
            builder => builder.Logging.ClearProviders());
        await _sandbox.StartAsync();
        Sandbox.BaseAddress = new Uri(_sandbox.Urls.Single());

        var settings = new Dictionary<string, string?>(SandboxSettings.For(Sandbox.BaseAddress, SoftrApiKey, SoftrDomain))
        {
            ["AzureWebJobsStorage"] = _azurite.ConnectionString,
            [$"Webhooks:Hooks:{Hook}:SecretSettings:0"] = "E2E_HOOK_SECRET",
            [$"Webhooks:Hooks:{Hook}:Schema"] = "signup",
            ["E2E_HOOK_SECRET"] = HookSecret,
            ["Webhooks:Hooks:payments:Sender"] = "stripe",
            ["Webhooks:Hooks:payments:SecretSettings:0"] = "E2E_STRIPE_WHSEC",
            ["Webhooks:Hooks:payments:Events:0"] = "checkout.session.completed",
            ["E2E_STRIPE_WHSEC"] = StripeSecret,
            ["LocalHost:MasterKey"] = MasterKey,
            ["LocalHost:ConsoleTraces"] = "false",
            // The console's overview within a second or two, not ten.
            ["Console:ActivityFlushInterval"] = "00:00:01",
            [$"Webhooks:Hooks:{OnboardHook}:SecretSettings:0"] = "E2E_HOOK_SECRET",
            ["Automations:onboard:Hook"] = OnboardHook,
            ["Automations:onboard:Steps:0:Id"] = "user",
            ["Automations:onboard:Steps:0:Action"] = "user.create",
            ["Automations:onboard:Steps:0:Inputs:email"] = "{{ payload.email }}",
            ["Automations:onboard:Steps:0:Inputs:fullName"] = "{{ payload.full_name }}",
            ["Automations:onboard:Steps:1:Action"] = "user.invite",
            ["Automations:onboard:Steps:1:Inputs:email"] = "{{ steps.user.email }}",
            // A form-like hook whose repeats count only for two seconds (its DedupeWindow), for RepeatsAtTheDoorTests.
            [$"Webhooks:Hooks:{RepeatsHook}:SecretSettings:0"] = "E2E_HOOK_SECRET",
            [$"Webhooks:Hooks:{RepeatsHook}:DedupeWindow"] = "00:00:02",
            ["Automations:repeats-signup:Hook"] = RepeatsHook,
            ["Automations:repeats-signup:Steps:0:Id"] = "user",
            ["Automations:repeats-signup:Steps:0:Action"] = "user.create",
            ["Automations:repeats-signup:Steps:0:Inputs:email"] = "{{ payload.email }}",
            ["Automations:repeats-signup:Steps:0:Inputs:fullName"] = "{{ payload.full_name }}",
            ["Automations:e2e-signup:Hook"] = Hook,
            ["Automations:e2e-signup:Steps:0:Id"] = "user",
            ["Automations:e2e-signup:Steps:0:Action"] = "user.create",
            ["Automations:e2e-signup:Steps:0:Inputs:email"] = "{{ payload.email }}",
            ["Automations:e2e-signup:Steps:0:Inputs:fullName"] = "{{ payload.full_name }}",
            ["Automations:paid-checkout:Hook"] = "payments",
            ["Automations:paid-checkout:Events:0"] = "checkout.session.completed",
            ["Automations:paid-checkout:When:Path"] = "payload.data.object.payment_status",
            ["Automations:paid-checkout:When:Equals"] = "paid",
            ["Automations:paid-checkout:Steps:0:Id"] = "user",
            ["Automations:paid-checkout:Steps:0:Action"] = "user.create",
            ["Automations:paid-checkout:Steps:0:Inputs:email"] = "{{ payload.data.object.customer_details.email | downcase }}",
            ["Automations:paid-checkout:Steps:0:Inputs:fullName"] = "{{ payload.data.object.customer_details.name }}",
            ["Automations:paid-checkout:Steps:0:Inputs:password"] = "{{ settings.E2E_STRIPE_WHSEC }}",
            ["Automations:paid-checkout:Steps:1:Action"] = "user.invite",
            ["Automations:paid-checkout:Steps:1:Inputs:email"] = "{{ steps.user.email }}",
            // Retry a failed message at once instead of after host.json's 10 s, so poison tests are quick.
            ["AzureWebJobs:Extensions:Queues:VisibilityTimeout"] = "00:00:00",
        };
        foreach (var (key, value) in ExtraSettings())
        {
            settings[key] = value;
        }

        _host = LocalHostApp.Build(["--urls=http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(Logs);
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));
            builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(Metrics));
        });
        await _host.StartAsync();
        Host.BaseAddress = new Uri(_host.Urls.Single());
        Anonymous.BaseAddress = Host.BaseAddress;
    }

    public async Task DisposeAsync()
    {
        Host.Dispose();
        Anonymous.Dispose();
        Answers.Dispose();
        Sandbox.Dispose();
        if (_host is not null)
        {
            await _host.StopAsync();
            await _host.DisposeAsync();
        }
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    /// <summary>Posts <paramref name="body"/> to the <c>payments</c> hook signed as Stripe signs it, at <paramref name="at"/>.</summary>
    public Task<HttpResponseMessage> PostStripeAsync(string body, string secret = StripeSecret, DateTimeOffset? at = null)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var signature = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret),
            System.Text.Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/payments")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Stripe-Signature", $"t={timestamp},v1={signature}");
        return Host.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostWebhookAsync(string body, string? secret = HookSecret, string hook = Hook, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/hooks/{hook}")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        if (secret is not null)
        {
            request.Headers.Add("X-Webhook-Secret", secret);
        }
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return Host.SendAsync(request);
    }

    /// <summary>Deletes a user in the sandbox as Softr's own API would (a test's way of setting the scene).</summary>
    public async Task DeleteSandboxUserAsync(string email)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/v1/api/users/{Uri.EscapeDataString(email)}");
        request.Headers.Add("Softr-Api-Key", SoftrApiKey);
        request.Headers.Add("Softr-Domain", SoftrDomain);
        (await Sandbox.SendAsync(request)).EnsureSuccessStatusCode();
    }

    /// <summary>
    /// <c>GET</c> an event's status URL. The door records nothing (D28): until processing picks the
    /// event up the API answers 404, which this gives as <c>{"status": "NotYetRecorded"}</c> so that a
    /// poll can go on.
    /// </summary>
    public async Task<JsonElement> EventAsync(string idOrStatusUrl)
    {
        var path = idOrStatusUrl.StartsWith('/') ? idOrStatusUrl : $"/api/events/{idOrStatusUrl}";
        using var response = await Host.GetAsync(path);
        return response.StatusCode == System.Net.HttpStatusCode.NotFound
            ? JsonDocument.Parse("""{"status":"NotYetRecorded"}""").RootElement
            : await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<IReadOnlyList<JsonElement>> SandboxUsersAsync() =>
        await Sandbox.GetFromJsonAsync<JsonElement[]>("/sandbox/users") ?? [];

    /// <summary>An empty body declared as JSON, as admin POSTs must be (KeyedRequestPolicy).</summary>
    public static HttpContent EmptyJson() => new StringContent("", System.Text.Encoding.UTF8, "application/json");

    /// <summary>
    /// Waits until the processing span of <paramref name="eventId"/> has ended (the in-memory exporter takes a span as
    /// it ends): the signal that everything the attempt records is in, where a test used to sleep and hope.
    /// </summary>
    public Task<bool> ProcessingSpanEndedAsync(string eventId) => EventuallyAsync(() =>
    {
        lock (Spans)
        {
            return Task.FromResult(Spans.Any(span => span.DisplayName == "event process" && span.GetTagItem(Softr.Functions.Telemetry.SoftrTelemetry.EventIdTag) as string == eventId));
        }
    }, TimeSpan.FromSeconds(30));

    /// <summary>Polls until <paramref name="condition"/> holds; the queue is asynchronous by design.</summary>

    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }
            await Task.Delay(100);
        }
        return await condition();
    }
}

/// <summary>The system with its queue listener running.</summary>
public sealed class RunningSystem : SystemUnderTest;

/// <summary>
/// The system with every lane's queue function switched off (the Functions/WebJobs setting
/// <c>AzureWebJobs.{name}.Disabled</c>), so a test can look at exactly what ingestion put on the queues.
/// </summary>
/// <remarks>
/// All six, not only the normal lane's: deliveries past a hook's burst go to its lane's overflow queue, and a
/// running overflow listener took one of twenty concurrent deliveries off the queue before a test counted it
/// (a CI failure, "Expected 21, Actual 20").
/// </remarks>
public sealed class IngestionOnlySystem : SystemUnderTest
{
    private static readonly string[] ProcessingFunctions =
    [
        ProcessEventFunction.HighName, ProcessEventFunction.HighOverflowName,
        ProcessEventFunction.Name, ProcessEventFunction.OverflowName,
        ProcessEventFunction.BulkName, ProcessEventFunction.BulkOverflowName,
    ];

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
        ProcessingFunctions.Select(name => new KeyValuePair<string, string?>($"AzureWebJobs.{name}.Disabled", "true"));
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "End to end";
}
