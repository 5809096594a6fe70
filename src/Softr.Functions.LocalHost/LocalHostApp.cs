using Azure.Storage.Queues;
using Microsoft.Azure.WebJobs;
using Softr.Functions.Hosting;
using Softr.Functions.App;
using OpenTelemetry.Trace;
using Softr.Functions.Telemetry;

namespace Softr.Functions.LocalHost;

/// <summary>
/// The function app without Azure Functions Core Tools. Public so that the end-to-end tests host
/// exactly what <c>dotnet run</c> hosts.
/// </summary>
public static class LocalHostApp
{
    /// <summary>The function app's functions, discovered once from its attributes.</summary>
    public static FunctionCatalog Functions { get; } = FunctionCatalog.FromAssembly(typeof(ReceiveWebhookFunction).Assembly);

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(LocalHostApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.Configuration.AddEmbeddedDefaults(typeof(LocalHostApp).Assembly);
        builder.Configuration.AddHooksFile(AppContext.BaseDirectory);
        var hostJson = HostJson.Load(AppContext.BaseDirectory);
        builder.Configuration.AddInMemoryCollection(hostJson.QueueSettings());
        configure?.Invoke(builder);

        builder.Services.AddSoftrFunctionsCore();
        // Traces and metrics as in Azure; here the spans are summarised on the console (LocalHost:ConsoleTraces).
        builder.Services.AddSoftrTelemetry(tracing: tracing =>
        {
            if (builder.Configuration.GetValue("LocalHost:ConsoleTraces", false))
            {
                tracing.AddProcessor(new ConsoleSpanSummary(Console.Out));
            }
        });
        builder.Services.AddMvcCore();

        // Registered before the WebJobs host so the queues exist before the listener first polls them.
        builder.Services.AddHostedService(provider => new LocalQueueProvisioner(
            provider.GetRequiredService<QueueServiceClient>(),
            Functions.QueueFunctions.Select(function => function.QueueName),
            provider.GetRequiredService<ILogger<LocalQueueProvisioner>>()));
        builder.Services.AddSingleton<ITypeLocator, QueueTriggerTypeLocator>();
        // The timer functions' work, on an interval (the WebJobs timer extension is not loaded here).
        builder.Services.AddHostedService<LocalRetentionService>();
        builder.Services.AddHostedService<LocalUndeliverableKeeper>();
        builder.Host.ConfigureWebJobs(webJobs => webJobs.AddAzureStorageQueues());

        var app = builder.Build();
        app.MapHttpFunctions(Functions.HttpFunctions, hostJson.RoutePrefix);
        app.MapApiReference(hostJson.RoutePrefix);
        return app;
    }
}
