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

    /// <summary>Issue #23, item 3.3: retention deleted events but never their rows in the person index.</summary>
    [Fact]
    public async Task AnEventsIndexRows_GoWithTheEvent()
    {
        var id = await EventAsync("evt_indexed_old", EventStatus.Succeeded, indexed: "old@example.com");
        var person = await Get<PersonIndex>().KeyOfAsync("old@example.com", CancellationToken.None);
        Assert.Equal([id], await Get<PersonIndex>().FindAsync(person, CancellationToken.None));
        _time.Advance(TimeSpan.FromDays(31));

        await Get<RetentionSweeper>().SweepAsync(CancellationToken.None);

        Assert.Empty(await Get<PersonIndex>().FindAsync(person, CancellationToken.None));
    }

    /// <summary>Issue #23, item 4.4: a dead-lettered event whose letter is still kept is kept too (a replay reads which steps succeeded from it).</summary>
    [Fact]
    public async Task ADeadLetteredEventWhoseLetterIsKept_IsNotSwept()
    {
        var id = await EventAsync("evt_letter_kept", EventStatus.DeadLettered);
        _time.Advance(TimeSpan.FromDays(5));
        await Get<DeadLetterStore>().AddAsync(Letter(id), rawMessage: null, CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(26)); // the event's last change 31 days ago, its letter 26

        var report = await Get<RetentionSweeper>().SweepAsync(CancellationToken.None);

        Assert.Equal(0, report.Events);
        Assert.NotEmpty(await RowsAsync(id));
        Assert.NotNull(await Get<DeadLetterStore>().GetAsync(id, CancellationToken.None));
    }

    /// <summary>Issue #23, item 3.1: what an erasure leaves is kept while a copy could still arrive (Retention:Tombstones), then goes.</summary>
    [Fact]
    public async Task TombstonesAndErasedMarkers_StayForTheirRetention_ThenGo()
    {
        var id = await EventAsync("evt_tombstoned", EventStatus.Succeeded, indexed: "tomb@example.com");
        await Get<PersonEraser>().EraseAsync("tomb@example.com", dryRun: false, CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(29));
        var early = await Get<RetentionSweeper>().SweepAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(2));

        var late = await Get<RetentionSweeper>().SweepAsync(CancellationToken.None);

        Assert.Equal(0, early.Tombstones);
        Assert.Equal(2, late.Tombstones); // the event's tombstone and the person's marker
        Assert.Empty(await RowsAsync(id));
    }

    /// <summary>Issue #23, item 2.1: the door's claims for senders without event ids go once their window has passed.</summary>
    [Fact]
    public async Task DeliveryClaims_GoOnceTheirWindowHasPassed()
    {
        var claims = Get<Softr.Functions.Webhooks.IDeliveryClaims>();
        await claims.ClaimAsync("forms", new Softr.Functions.Webhooks.DeliveryKey("body", "aa", "aa", TimeSpan.FromMinutes(10)), _time.GetUtcNow(), CancellationToken.None);
        await claims.ClaimAsync("forms", new Softr.Functions.Webhooks.DeliveryKey("header", "bb", "cc", TimeSpan.FromHours(24)), _time.GetUtcNow(), CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(1));

        var report = await Get<RetentionSweeper>().SweepAsync(CancellationToken.None);

        Assert.Equal(1, report.DeliveryClaims);
    }

    private T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>An event as processing leaves it: picked up by an attempt, then (if <paramref name="status"/>) finished with a step.</summary>
    private async Task<string> EventAsync(string id, EventStatus? status, string? indexed = null)
    {
        var envelope = new EventEnvelope
        {
            EventId = id, Hook = "signup", Sender = "shared-secret", EventType = "signup", ReceivedAt = _time.GetUtcNow(), CorrelationId = id,
            Payload = JsonSerializer.SerializeToElement(new { email = "old@example.com" }),
        };
        var progress = Get<EventProgressStore>();
        var lease = await progress.BeginAttemptAsync(envelope, await progress.ReadAsync(id, CancellationToken.None), "message-1", "attempt 1", CancellationToken.None);
        if (indexed is not null)
        {
            // As processing's first attempt indexes it, and keeps the people's keys on the event.
            var (people, _) = await Get<PersonIndex>().IndexAsync(id, JsonSerializer.SerializeToElement(new { email = indexed }), envelope.ReceivedAt, CancellationToken.None);
            await progress.RenewAsync(lease!, started: null, CancellationToken.None, people);
        }
        if (status is { } finished)
        {
            var step = new StepRecord("signup", "user", "user.create", StepState.Succeeded, _time.GetUtcNow(), new Dictionary<string, string?> { ["email"] = "old@example.com" });
            await Get<EventProgressStore>().FinishAttemptAsync(envelope, finished, null, "done", lease!, plan: null, CancellationToken.None, step);
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
