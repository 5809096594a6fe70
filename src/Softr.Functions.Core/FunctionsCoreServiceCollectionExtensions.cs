using FluentValidation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Softr.Functions.Automations;
using Softr.Functions.Events;
using Softr.Functions.Health;
using Softr.Functions.Telemetry;
using Softr.Functions.Privacy;
using Softr.Functions.Processing;
using Softr.Functions.SharedBudget;
using Softr.Functions.Storage;
using Softr.Functions.Webhooks;
using Softr.Functions.Webhooks.Senders;
using Softr.Resilience;

namespace Softr.Functions;

public static class FunctionsCoreServiceCollectionExtensions
{
    /// <summary>
    /// Everything the function classes need, registered once for both hosts (the Functions worker
    /// and the local host), so the two cannot be wired differently.
    /// </summary>
    public static IServiceCollection AddSoftrFunctionsCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        // The jitter of retries and waits: the shared, thread-safe one; a simulation puts a seeded one here, as it puts its own clock.
        services.TryAddSingleton(Random.Shared);
        // Every loop of ours is a BackgroundLoop, which never throws; this is for any other: a background
        // service that fails is logged by the host, and the app goes on serving webhooks and processing.
        services.Configure<HostOptions>(host => host.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore);

        services.AddOptions<WebhooksOptions>()
            .BindConfiguration(WebhooksOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhooksOptions>, WebhooksOptionsValidator>();
        services.AddSingleton<HookSecrets>();
        services.AddSingleton<Hosting.SecretSettingsAudit>();
        services.AddHostedService<Hosting.UnresolvedSecretsLogger>();
        services.AddSingleton(WebhookSenders.All);
        // Schema files are resolved from where hooks.json is: the app's own folder in both hosts.
        services.TryAddSingleton(new PayloadSchemas.Folder(AppContext.BaseDirectory));

        services.AddOptions<AutomationsOptions>()
            .Configure<IConfiguration>((options, configuration) => options.BindFrom(configuration))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AutomationsOptions>, AutomationsOptionsValidator>();
        services.AddSingleton<HookCatalog>();
        services.AddSingleton<AutomationEvaluator>();
        services.AddSingleton<DeliveryReader>();
        services.AddSingleton<AutomationDryRun>();

        services.AddSingleton<IValidator<SignupPayload>, SignupPayloadValidator>();
        services.AddSingleton<IDeliveryClaims, TableDeliveryClaims>();
        services.AddSingleton<FloodMeter>();
        services.AddSingleton<LaneRouting>();
        services.AddSingleton<WebhookIngestor>();
        services.AddOptions<ProcessingOptions>().BindConfiguration(ProcessingOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProcessingOptions>, ProcessingOptionsValidator>();
        // Transient: they hold Softr clients, whose handlers the HTTP client factory rotates.
        services.AddSingleton<TableSchemaCache>();
        services.AddTransient<SoftrStepRunner>();
        services.AddTransient<PlanExecutor>();
        services.AddTransient<EventProcessor>();
        services.AddSingleton<RetrySchedule>();
        services.AddSingleton<StorageOutage>();
        services.AddSingleton<UnsentMarks>();
        services.AddSingleton<DeadLettering>();
        services.AddSingleton<EventPersonalData>();
        services.AddSingleton<EventProgressStore>();
        services.AddSingleton<Events.EventIndex>();
        services.AddSingleton<DeadLetterStore>();
        services.AddSingleton<EventReplayer>();
        services.AddSingleton<PoisonEventHandler>();
        services.AddSingleton<UndeliverableKeeper>();
        services.AddSingleton<ISharedRateBudget, TableRateBudget>();
        services.AddSoftrPrivacy();
        services.AddSingleton<KeyLocks>();

        // The key probe sends a key: no HttpClient logger, which would print headers at Trace.
        services.AddHttpClient(SoftrHealthCheck.ClientName, client => client.Timeout = TimeSpan.FromSeconds(5)).RemoveAllLoggers();
        services.AddSingleton<SoftrKeyProbe>();
        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage")
            .AddCheck<SoftrHealthCheck>("softr")
            .AddCheck<SecretsHealthCheck>("secrets");

        services.AddHostedService<QueueMetrics>();

        // The operator console's reads, and the activity counts behind its overview.
        services.AddSingleton<Operations.ActivityTally>();
        services.AddSingleton<Operations.ActivityStore>();
        services.AddHostedService<Operations.ActivityFlusher>();
        services.AddSingleton<Operations.OverviewReader>();
        services.AddSingleton<Operations.HookDirectory>();
        services.AddSingleton<Operations.EventDetails>();

        services.AddEventQueue();
        services.AddEventTables();
        services.AddSoftrClient();
        // Under the resilience pipeline of both Softr clients (the typed clients are named after their interfaces), every try:
        // the running step's guard (started marks, lease renewal), then, innermost, the record for the timeline and the 429 share.
        services.AddTransient<StepCallGuardHandler>();
        services.AddTransient<SoftrCallRecorder>();
        foreach (var client in new[] { SoftrClients.UsersClientName, SoftrClients.DatabaseClientName })
        {
            services.AddHttpClient(client).AddHttpMessageHandler<StepCallGuardHandler>().AddHttpMessageHandler<SoftrCallRecorder>();
        }
        return services;
    }
}
