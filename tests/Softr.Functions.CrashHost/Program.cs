// Processing as the app wires it, fed by a plain receive loop instead of the WebJobs listener.
//
// Why not the local host: the WebJobs listener receives messages with a fixed 10-minute visibility
// (renewed while the function runs), so after a kill the messages it held reappear only 10 minutes
// later, in Azure as here. This host receives with a visibility of a few seconds, so a test can kill
// it mid-batch, start another, and see the held messages come back quickly. What is under test is
// processing's own crash consistency (leases, step records, re-sends), which is the same code.
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Softr.Functions;
using Softr.Functions.Events;
using Softr.Functions.Processing;
using Softr.Functions.Storage;

var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
await using var services = new ServiceCollection()
    .AddSingleton<IConfiguration>(configuration)
    .AddLogging()
    .AddSoftrFunctionsCore()
    .BuildServiceProvider();

var visibility = TimeSpan.FromSeconds(configuration.GetValue("CrashHost:VisibilitySeconds", 3));
var queue = new QueueClient(configuration[StorageSettings.ConnectionName], QueueNames.Events, StorageServiceCollectionExtensions.CreateClientOptions());
await queue.CreateIfNotExistsAsync();

while (true)
{
    var messages = (await queue.ReceiveMessagesAsync(maxMessages: 16, visibility)).Value;
    if (messages.Length == 0)
    {
        await Task.Delay(100);
        continue;
    }
    await Parallel.ForEachAsync(messages, async (message, cancellationToken) =>
    {
        try
        {
            var processor = services.GetRequiredService<EventProcessor>();
            await processor.ProcessAsync(EventEnvelopeSerializer.Deserialize(message.Body), new QueueDelivery(message.MessageId, message.DequeueCount), cancellationToken);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        }
        catch (Exception exception)
        {
            // As the listener would: leave it to reappear after its visibility timeout.
            Console.WriteLine($"message {message.MessageId} failed: {exception.GetType().Name}: {exception.Message}");
        }
    });
}
