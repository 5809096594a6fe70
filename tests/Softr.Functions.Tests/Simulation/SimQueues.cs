using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Softr.Functions.Tests.Simulation;

/// <summary>A message in a simulated queue, with the fields the Functions runtime and the checks look at.</summary>
internal sealed class SimMessage(string id, BinaryData body, DateTimeOffset insertedOn, DateTimeOffset visibleAt, DateTimeOffset expiresOn)
{
    public string Id { get; } = id;

    public BinaryData Body { get; } = body;

    public DateTimeOffset InsertedOn { get; } = insertedOn;

    public DateTimeOffset VisibleAt { get; set; } = visibleAt;

    public DateTimeOffset ExpiresOn { get; } = expiresOn;

    public long DequeueCount { get; set; }

    public string PopReceipt { get; set; } = "";

    /// <summary>The flow running it now (the runtime keeps a running message invisible, renewing as it goes).</summary>
    public SimActor? RunningIn { get; set; }
}

/// <summary>
/// The simulated account's queues (Azure's client types, so <c>StorageEventQueue</c> and the keeper run
/// unchanged over them): visibility, dequeue counts, time-to-live (7 days unless given; -1 s never expires),
/// and the account's faults on every call the app makes. The simulated Functions runtime works on the
/// messages directly (<see cref="Messages"/>), as the real one does under its own retries.
/// </summary>
internal sealed class SimQueues(SimStorage storage, SimClock clock) : QueueServiceClient
{
    public static readonly TimeSpan DefaultTimeToLive = TimeSpan.FromDays(7);

    private readonly Dictionary<string, SimQueue> _queues = new(StringComparer.Ordinal);
    private long _ids;

    public override QueueClient GetQueueClient(string queueName) => Queue(queueName);

    public SimQueue Queue(string name)
    {
        if (!_queues.TryGetValue(name, out var queue))
        {
            _queues[name] = queue = new SimQueue(name, storage, clock, this);
        }
        return queue;
    }

    /// <summary>The live messages of a queue; expired ones are dropped first, as the service drops them.</summary>
    public List<SimMessage> Messages(string name)
    {
        var queue = Queue(name);
        queue.Expired += queue.Store.RemoveAll(message => message.ExpiresOn <= clock.Now);
        return queue.Store;
    }

    internal string NextId() => $"msg-{++_ids:D6}";

    /// <summary>Told of every message the app sends (not the runtime's own moves): the queue, and the message.</summary>
    public Action<string, BinaryData>? OnSend { get; set; }
}

/// <summary>One simulated queue.</summary>
internal sealed class SimQueue(string name, SimStorage storage, SimClock clock, SimQueues account) : QueueClient
{
    public List<SimMessage> Store { get; } = [];

    public bool Created { get; private set; }

    /// <summary>Messages that reached their time-to-live and were dropped: lost, unless nobody needed them.</summary>
    public int Expired { get; set; }

    public override string Name => name;

    /// <summary>Adds a message as the service does (the runtime's own moves use this too, without faults).</summary>
    public SimMessage Add(BinaryData body, TimeSpan? visibilityTimeout, TimeSpan? timeToLive)
    {
        var expires = timeToLive is { } ttl && ttl < TimeSpan.Zero ? DateTimeOffset.MaxValue : clock.Now + (timeToLive ?? SimQueues.DefaultTimeToLive);
        var message = new SimMessage(account.NextId(), body, clock.Now, clock.Now + (visibilityTimeout ?? TimeSpan.Zero), expires);
        Store.Add(message);
        Created = true;
        return message;
    }

    public override async Task<Response> CreateIfNotExistsAsync(IDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        await storage.BeforeAsync(cancellationToken).ConfigureAwait(false);
        Created = true;
        return new SimResponse(204);
    }

    public override async Task<Response<bool>> ExistsAsync(CancellationToken cancellationToken = default)
    {
        await storage.BeforeAsync(cancellationToken).ConfigureAwait(false);
        return Response.FromValue(Created, new SimResponse(200));
    }

    public override Task<Response<SendReceipt>> SendMessageAsync(string messageText, TimeSpan? visibilityTimeout = null, TimeSpan? timeToLive = null,
        CancellationToken cancellationToken = default) =>
        SendMessageAsync(BinaryData.FromString(messageText), visibilityTimeout, timeToLive, cancellationToken);

    public override async Task<Response<SendReceipt>> SendMessageAsync(BinaryData message, TimeSpan? visibilityTimeout = null, TimeSpan? timeToLive = null,
        CancellationToken cancellationToken = default)
    {
        await storage.BeforeAsync(cancellationToken).ConfigureAwait(false);
        if (!Created)
        {
            throw new RequestFailedException(404, "The specified queue does not exist (simulated).", "QueueNotFound", null);
        }
        var added = Add(message, visibilityTimeout, timeToLive);
        account.OnSend?.Invoke(name, message);
        storage.AfterWrite();
        return Response.FromValue(QueuesModelFactory.SendReceipt(added.Id, added.InsertedOn, added.ExpiresOn, "pop", added.VisibleAt), new SimResponse(201));
    }

    public override async Task<Response<QueueMessage[]>> ReceiveMessagesAsync(int? maxMessages = null, TimeSpan? visibilityTimeout = null,
        CancellationToken cancellationToken = default)
    {
        await storage.BeforeAsync(cancellationToken).ConfigureAwait(false);
        var now = clock.Now;
        var taken = account.Messages(name).Where(message => message.VisibleAt <= now && message.RunningIn is null).Take(maxMessages ?? 1).ToList();
        foreach (var message in taken)
        {
            message.DequeueCount++;
            message.VisibleAt = now + (visibilityTimeout ?? TimeSpan.FromSeconds(30));
            message.PopReceipt = $"pop-{message.Id}-{message.DequeueCount}";
        }
        return Response.FromValue(taken.Select(message => QueuesModelFactory.QueueMessage(message.Id, message.PopReceipt, message.Body, message.DequeueCount,
            message.VisibleAt, message.InsertedOn, message.ExpiresOn == DateTimeOffset.MaxValue ? new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero) : message.ExpiresOn))
            .ToArray(), new SimResponse(200));
    }

    public override async Task<Response> DeleteMessageAsync(string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        await storage.BeforeAsync(cancellationToken).ConfigureAwait(false);
        var removed = Store.RemoveAll(message => message.Id == messageId && message.PopReceipt == popReceipt);
        if (removed == 0)
        {
            throw new RequestFailedException(404, "The specified message does not exist (simulated).", "MessageNotFound", null);
        }
        storage.AfterWrite();
        return new SimResponse(204);
    }
}
