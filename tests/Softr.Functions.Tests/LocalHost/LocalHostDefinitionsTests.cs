using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Azure.WebJobs;
using Softr.Functions.LocalHost;
using Softr.Functions.Tests.App;

namespace Softr.Functions.Tests.LocalHost;

/// <summary>
/// The local host must serve what Azure serves. These tests compare what it reads from the function
/// app's attributes with the functions.metadata the Functions SDK generated, and its WebJobs queue
/// entry points with both.
/// </summary>
public sealed class LocalHostDefinitionsTests
{
    [Fact]
    public void Catalog_HttpFunctions_MatchTheGeneratedMetadata()
    {
        var metadata = FunctionMetadata.Load().Where(function => function.Trigger.GetProperty("type").GetString() == "httpTrigger")
            .Select(function => (
                function.Name,
                Route: function.Trigger.GetProperty("route").GetString(),
                Methods: string.Join(',', function.Trigger.GetProperty("methods").EnumerateArray().Select(method => method.GetString()!.ToUpperInvariant()))))
            .OrderBy(function => function.Name, StringComparer.Ordinal);

        var served = LocalHostApp.Functions.HttpFunctions
            .Select(function => (function.Name, Route: (string?)function.Route, Methods: string.Join(',', function.Methods)))
            .OrderBy(function => function.Name, StringComparer.Ordinal);

        Assert.NotEmpty(served);
        Assert.Equal(metadata, served);
    }

    [Fact]
    public void Catalog_QueueFunctions_MatchTheGeneratedMetadata()
    {
        var metadata = FunctionMetadata.Load().Where(function => function.Trigger.GetProperty("type").GetString() == "queueTrigger")
            .Select(function => (function.Name, Queue: function.Trigger.GetProperty("queueName").GetString()))
            .OrderBy(function => function.Name, StringComparer.Ordinal);

        var served = LocalHostApp.Functions.QueueFunctions
            .Select(function => (function.Name, Queue: (string?)function.QueueName))
            .OrderBy(function => function.Name, StringComparer.Ordinal);

        Assert.NotEmpty(served);
        Assert.Equal(metadata, served);
    }

    [Fact]
    public void WebJobsEntryPoints_CoverEveryQueueFunctionWithTheSameNameQueueAndConnection()
    {
        var entryPoints = typeof(QueueTriggers).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(method => method.GetCustomAttribute<FunctionNameAttribute>() is not null)
            .Select(method =>
            {
                var trigger = method.GetParameters().Select(parameter => parameter.GetCustomAttribute<QueueTriggerAttribute>()).Single(attribute => attribute is not null)!;
                return (method.GetCustomAttribute<FunctionNameAttribute>()!.Name, trigger.QueueName, (string?)trigger.Connection);
            })
            .OrderBy(entry => entry.Name, StringComparer.Ordinal);

        var functions = LocalHostApp.Functions.QueueFunctions
            .Select(function => (function.Name, function.QueueName, function.Connection))
            .OrderBy(entry => entry.Name, StringComparer.Ordinal);

        Assert.Equal(functions, entryPoints);
    }

    [Fact]
    public void WebJobsEntryPoints_CallTheFunctionAppMethodWithTheSameParameters()
    {
        foreach (var function in LocalHostApp.Functions.QueueFunctions)
        {
            var entryPoint = typeof(QueueTriggers).GetMethods()
                .Single(method => method.GetCustomAttribute<FunctionNameAttribute>()?.Name == function.Name);

            Assert.Equal(
                function.Method.GetParameters().Select(parameter => parameter.ParameterType),
                entryPoint.GetParameters().Select(parameter => parameter.ParameterType));
        }
    }

    [Fact]
    public void HostJson_GivesTheRoutePrefixAndQueueSettingsForWebJobs()
    {
        var hostJson = HostJson.Load(TestPaths.RepositoryRoot);

        Assert.Equal("api", hostJson.RoutePrefix);
        var settings = hostJson.QueueSettings().ToDictionary(setting => setting.Key, setting => setting.Value);
        Assert.Equal("base64", settings["AzureWebJobs:Extensions:Queues:messageEncoding"]);
        Assert.Equal("5", settings["AzureWebJobs:Extensions:Queues:maxDequeueCount"]);
    }

    [Fact]
    public void LocalSettingsSample_ConfiguresTheAppAsTheLocalHostDefaultsDo()
    {
        // local.settings.json is what `func start` reads; the local host has embedded defaults. Both
        // describe the same local set-up (Azurite, the sandbox, the "signup" hook) and must not drift.
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "local.settings.sample.json")));
        var fromSample = sample.RootElement.GetProperty("Values").EnumerateObject()
            .Where(setting => setting.Name != "FUNCTIONS_WORKER_RUNTIME")
            .ToDictionary(setting => setting.Name.Replace("__", ":", StringComparison.Ordinal), setting => setting.Value.GetString());

        var defaults = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(TestPaths.RepositoryRoot, "src", "Softr.Functions.LocalHost", "defaults.json"))
            .Build()
            .AsEnumerable()
            // Logging, Urls, AllowedHosts and LocalHost:* belong to the local host's Kestrel; Core Tools has its own.
            .Where(setting => setting.Value is not null && !setting.Key.StartsWith("Logging", StringComparison.Ordinal) && setting.Key is not ("Urls" or "AllowedHosts")
                && !setting.Key.StartsWith("LocalHost:", StringComparison.Ordinal))
            .ToDictionary(setting => setting.Key, setting => setting.Value);

        Assert.Equal(defaults.OrderBy(setting => setting.Key, StringComparer.Ordinal), fromSample.OrderBy(setting => setting.Key, StringComparer.Ordinal));
    }
}
