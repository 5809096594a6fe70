using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Softr.Functions;
using Softr.Functions.Hosting;
using Softr.Functions.Telemetry;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
// Keys only in the header, and admin POSTs only as JSON (KeyedRequestPolicy).
builder.UseMiddleware<Softr.Functions.App.HttpRequestPolicyMiddleware>();
builder.Configuration.AddHooksFile(AppContext.BaseDirectory);
builder.Services.AddSoftrFunctionsCore();

// OpenTelemetry to Application Insights, authenticated with the app's managed identity (the Bicep
// turns local auth off, so there is no key to leak).
var insights = builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
var clientId = builder.Configuration["AzureWebJobsStorage:clientId"];
void Configure(AzureMonitorExporterOptions options)
{
    options.ConnectionString = insights;
    if (!string.IsNullOrWhiteSpace(clientId))
    {
        options.Credential = new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
    }
}
builder.Services.AddSoftrTelemetry(
    tracing: tracing => { if (!string.IsNullOrWhiteSpace(insights)) { tracing.AddAzureMonitorTraceExporter(Configure); } },
    metrics: metrics => { if (!string.IsNullOrWhiteSpace(insights)) { metrics.AddAzureMonitorMetricExporter(Configure); } });
builder.Build().Run();
