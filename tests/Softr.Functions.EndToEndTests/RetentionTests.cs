using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Softr.Functions.Events;
using Softr.Functions.Privacy;
using Softr.Functions.Processing;
using Softr.Functions.Storage;
using Softr.Functions.Testing;

namespace Softr.Functions.EndToEndTests;

/// <summary>The retention sweep against Azurite, on a fake clock (issue #14, item 2): what is past its time goes, whole; what is not, or is unfinished, stays.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class RetentionTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private Azurite _azurite = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>(
            SandboxSettings.For(new Uri("http://127.0.0.1:9/"), "retention-api-key-0123456789", "retention.softr.app"))
        {
            [StorageSettings.ConnectionName] = _azurite.ConnectionString,
        }).Build();
        _services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddSingleton<TimeProvider>(_time).AddLogging()
            .AddSoftrFunctionsCore().BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task PastItsTime_FinishedEventsDeadLettersAndPayloadsGo_TheRestStays()
    {
        var finishedOld = await EventAsync("evt_finished_old", EventStatus.Succeeded);
        var unfinishedOld = await EventAsync("evt_unfinished_old", status: null);
        var payload = await Get<IPayloadStore>().PutAsync("evt_large", BinaryData.FromString("""{"big":true}"""));
        await Get<DeadLetterStore>().AddAsync(Letter("evt_dead_old"), rawMessage: null, CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(20));
        var finishedRecent = await EventAsync("evt_finished_recent", EventStatus.DeadLettered);
        await Get<DeadLetterStore>().AddAsync(Letter("evt_dead_recent"), rawMessage: null, CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(11)); // 31 days after the first, 11 after the second

        var report = await Get<RetentionSweeper>().SweepAsync(CancellationToken.None);

        Assert.Equal(new RetentionReport(Events: 1, DeadLetters: 1, Payloads: 1), report);
        Assert.Empty(await RowsAsync(finishedOld));
        Assert.NotEmpty(await RowsAsync(unfinishedOld));
        Assert.NotEmpty(await RowsAsync(finishedRecent));
        Assert.Null(await Get<DeadLetterStore>().GetAsync("evt_dead_old", CancellationToken.None));
        Assert.NotNull(await Get<DeadLetterStore>().GetAsync("evt_dead_recent", CancellationToken.None));
        Assert.Equal(["evt_dead_recent"], (await Get<DeadLetterStore>().ListAsync(new DeadLetterFilter(), 10, null, CancellationToken.None)).Items.Select(letter => letter.EventId));
        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => Get<IPayloadStore>().GetAsync(payload));
        // The operator's listing forgets the swept event with it.
        Assert.Equal([finishedRecent], (await Get<EventIndex>().ListAsync(new EventFilter(), 10, null, CancellationToken.None)).Items.Select(item => item.EventId));
    }

    [Fact]
    public async Task ASecondSweep_FindsNothingMore()
    {
        await EventAsync("evt_once", EventStatus.Succeeded);
        _time.Advance(TimeSpan.FromDays(31));

        var first = await Get<RetentionSweeper>().SweepAsync(CancellationToken.None);
        var second = await Get<RetentionSweeper>().SweepAsync(CancellationToken.None);

        Assert.Equal(1, first.Events);
        Assert.Equal(new RetentionReport(0, 0, 0), second);
    }

    private T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>An event as processing leaves it: picked up by an attempt, then (if <paramref name="status"/>) finished with a step.</summary>
    private async Task<string> EventAsync(string id, EventStatus? status)
    {
        var envelope = new EventEnvelope
        {
            EventId = id, Hook = "signup", Sender = "shared-secret", EventType = "signup", ReceivedAt = _time.GetUtcNow(), CorrelationId = id,
            Payload = JsonSerializer.SerializeToElement(new { email = "old@example.com" }),
        };
        var progress = Get<EventProgressStore>();
        await progress.BeginAttemptAsync(envelope, await progress.ReadAsync(id, CancellationToken.None), "message-1", "attempt 1", CancellationToken.None);
        if (status is { } finished)
        {
            var step = new StepRecord("signup", "user", "user.create", StepState.Succeeded, _time.GetUtcNow(), new Dictionary<string, string?> { ["email"] = "old@example.com" });
            await Get<EventProgressStore>().FinishAttemptAsync(envelope, finished, null, "done", lease: null, CancellationToken.None, step);
        }
        return id;
    }

    private DeadLetter Letter(string id) => new(id, "signup", "signup", FailureCauses.NotFound, "detail", _time.GetUtcNow());

    private async Task<List<TableEntity>> RowsAsync(string eventId)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in new TableClient(_azurite.ConnectionString, TableNames.Events).QueryAsync<TableEntity>(entity => entity.PartitionKey == eventId))
        {
            rows.Add(row);
        }
        return rows;
    }
}
