using System.Text.Json;
using Softr.Functions.App;
using Softr.Functions.Storage;

namespace Softr.Functions.Tests.App;

/// <summary>
/// Reads the functions.metadata the Functions SDK generated for the function app: it is what the
/// Azure Functions host indexes, so it is the truth about what is deployed.
/// </summary>
public sealed class FunctionMetadataTests
{
    [Fact]
    public void Metadata_DeclaresTheWebhookHttpTrigger()
    {
        var function = FunctionMetadata.Load().Single(entry => entry.Name == ReceiveWebhookFunction.Name);
        var trigger = function.Trigger;

        Assert.Equal("httpTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("hooks/{hook}", trigger.GetProperty("route").GetString());
        Assert.Equal(["post"], trigger.GetProperty("methods").EnumerateArray().Select(method => method.GetString()));
        Assert.Equal("Anonymous", trigger.GetProperty("authLevel").GetString());
    }

    /// <summary>Every lane's queue and poison queue has its trigger (issue #25, item 2).</summary>
    [Fact]
    public void Metadata_DeclaresATriggerForEveryLanesQueueAndPoisonQueue()
    {
        var triggered = FunctionMetadata.Load().Where(entry => entry.Trigger.GetProperty("type").GetString() == "queueTrigger").ToList();

        Assert.All(triggered, function => Assert.Equal(StorageSettings.ConnectionName, function.Trigger.GetProperty("connection").GetString()));
        Assert.Equal(
            Softr.Functions.Events.EventLane.All.SelectMany(lane => lane.TriggerQueues.Concat(lane.PoisonQueues)).Order(StringComparer.Ordinal),
            triggered.Select(function => function.Trigger.GetProperty("queueName").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(QueueNames.Events, triggered.Single(function => function.Name == ProcessEventFunction.Name).Trigger.GetProperty("queueName").GetString());
    }

    [Fact]
    public void Metadata_DeclaresTheDailyRetentionTimer()
    {
        var function = FunctionMetadata.Load().Single(entry => entry.Name == RetentionFunction.Name);

        Assert.Equal("timerTrigger", function.Trigger.GetProperty("type").GetString());
        Assert.Equal(RetentionFunction.Schedule, function.Trigger.GetProperty("schedule").GetString());
    }

    [Fact]
    public void Metadata_HasNoFunctionsBeyondTheKnownOnes()
    {
        Assert.Equal(
            new[]
            {
                DryRunFunction.Name, GetEventFunction.Name, HealthFunction.Name, ProcessEventFunction.Name, ProcessPoisonEventFunction.Name, ReceiveWebhookFunction.Name,
                ProcessEventFunction.HighName, ProcessEventFunction.BulkName, ProcessPoisonEventFunction.HighName, ProcessPoisonEventFunction.BulkName,
                ProcessEventFunction.HighOverflowName, ProcessEventFunction.OverflowName, ProcessEventFunction.BulkOverflowName,
                ProcessPoisonEventFunction.HighOverflowName, ProcessPoisonEventFunction.OverflowName, ProcessPoisonEventFunction.BulkOverflowName,
                ReplayFunctions.ListName, ReplayFunctions.ReplayOneName, ReplayFunctions.ReplayManyName, RetentionFunction.Name, EraseFunction.Name, ListEventsFunction.Name, ConsoleFunction.Name,
                ConsoleFunction.AssetName, OverviewFunction.Name, GetEventDetailFunction.Name, DeadLetterCausesFunction.Name, ListHooksFunction.Name,
                KeepUndeliverableFunction.Name,
            }.Order(StringComparer.Ordinal),
            FunctionMetadata.Load().Select(entry => entry.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("host.json")]
    [InlineData("hooks.json")]
    public void BuildOutput_CarriesTheRepositoryFile(string file)
    {
        var built = File.ReadAllText(Path.Combine(TestPaths.FunctionAppOutputDirectory, file));
        var source = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, file));

        Assert.Equal(source, built);
    }
}

internal sealed record FunctionMetadata(string Name, JsonElement Trigger)
{
    public static IReadOnlyList<FunctionMetadata> Load()
    {
        var path = Path.Combine(TestPaths.FunctionAppOutputDirectory, "functions.metadata");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray()
            .Select(function => new FunctionMetadata(
                function.GetProperty("name").GetString()!,
                function.GetProperty("bindings").EnumerateArray()
                    .Single(binding => binding.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal))
                    .Clone()))
            .ToList();
    }
}
