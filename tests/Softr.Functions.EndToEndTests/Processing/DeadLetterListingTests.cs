using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Softr.Functions.Events;
using Softr.Functions.Processing;
using Softr.Functions.Storage;
using Softr.Functions.Testing;
using Xunit.Abstractions;

namespace Softr.Functions.EndToEndTests.Processing;

/// <summary>One Azurite with the app's services over it, and 5,000 dead letters seeded once for the class.</summary>
public sealed class DeadLetterListingFixture : IAsyncLifetime
{
    public const int Letters = 5000;
    public static readonly string[] Causes = [FailureCauses.NotFound, FailureCauses.RetriesExhausted, FailureCauses.SoftrRejected, FailureCauses.Mapping, FailureCauses.Poison];
    public static readonly DateTimeOffset Start = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    private Azurite _azurite = null!;
    private ServiceProvider _services = null!;

    public string ConnectionString => _azurite.ConnectionString;

    public List<DeadLetter> Seeded { get; private set; } = null!;

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        // The app's own services over this Azurite (no Softr is called: nothing here runs an event).
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>(
            SandboxSettings.For(new Uri("http://127.0.0.1:9/"), "listing-api-key-0123456789", "listing.softr.app"))
        {
            [StorageSettings.ConnectionName] = _azurite.ConnectionString,
        }).Build();
        _services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddSoftrFunctionsCore().BuildServiceProvider();
        // One a minute over three and a half days, causes and hooks interleaved; each with a 2 KB envelope.
        Seeded = [.. Enumerable.Range(0, Letters).Select(index => Letter($"evt_{index:D5}", index % 2 == 0 ? "stripe" : "signup", Causes[index % Causes.Length], Start.AddMinutes(index)))];
        await AddAsync(Seeded);
    }

    public static DeadLetter Letter(string id, string hook, string cause, DateTimeOffset at) => new(id, hook, "checkout.session.completed", cause, $"detail of {id}", at)
    {
        Envelope = new EventEnvelope
        {
            EventId = id, Hook = hook, Sender = "stripe", EventType = "checkout.session.completed",
            ReceivedAt = at, CorrelationId = id, Payload = JsonSerializer.SerializeToElement(new { note = new string('x', 2000) }),
        },
    };

    public async Task AddAsync(IEnumerable<DeadLetter> letters) =>
        await Parallel.ForEachAsync(letters, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (letter, cancellationToken) => await Get<DeadLetterStore>().AddAsync(letter, rawMessage: null, cancellationToken));

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _azurite.DisposeAsync();
    }
}

/// <summary>
/// Dead letters after an outage, against Azurite (issue #13, item 5): thousands of them, listed a page at
/// a time, filtered by the table service on cause, hook and time, without reading envelopes; and a bulk
/// replay that goes through every match page by page. Before, each listing read the whole partition,
/// envelopes included, filtered in memory, and a bulk replay stopped at 500. The tests that change
/// letters use their own, at other times and hooks, so the seeded 5,000 stay as they are.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class DeadLetterListingTests(DeadLetterListingFixture fixture, ITestOutputHelper output) : IClassFixture<DeadLetterListingFixture>
{
    private static readonly DateTimeOffset Start = DeadLetterListingFixture.Start;

    private DeadLetterStore Store => fixture.Get<DeadLetterStore>();

    [Fact]
    public async Task FiveThousandDeadLetters_FirstPageUnderASecond_AndPagingVisitsEachOnceOldestFirst()
    {
        var clock = Stopwatch.StartNew();
        var seeded = new DeadLetterFilter(From: Start);
        var first = await Store.ListAsync(seeded, DeadLetterStore.DefaultPageSize, after: null, CancellationToken.None);
        var firstPage = clock.Elapsed;
        var all = new List<DeadLetter>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await Store.ListAsync(seeded, DeadLetterStore.MaxPageSize, next, CancellationToken.None);
            all.AddRange(page.Items);
            next = page.Next;
            pages++;
        }
        while (next is not null);

        output.WriteLine($"first page of 100 among {DeadLetterListingFixture.Letters}: {firstPage.TotalMilliseconds:0} ms; all {pages} pages of 1,000: {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(firstPage < TimeSpan.FromSeconds(1), $"the first page took {firstPage.TotalMilliseconds:0} ms");
        Assert.Equal(fixture.Seeded.Take(100).Select(letter => letter.EventId), first.Items.Select(letter => letter.EventId));
        Assert.NotNull(first.Next);
        Assert.Equal(fixture.Seeded.Select(letter => letter.EventId), all.Select(letter => letter.EventId));
        Assert.Equal(5, pages);
        // The listing reads no envelope; the letter itself still has it, for replay.
        Assert.All(all, letter => Assert.Null(letter.Envelope));
        Assert.NotNull((await Store.GetAsync("evt_00042", CancellationToken.None))!.Envelope);
    }

    [Fact]
    public async Task CauseHookAndTime_AreFilteredByTheService_AcrossPages()
    {
        var filter = new DeadLetterFilter(Cause: "NOT-FOUND", Hook: "stripe", From: Start.AddMinutes(1000), To: Start.AddMinutes(3000));
        var expected = fixture.Seeded.Where(letter => letter.Cause == FailureCauses.NotFound && letter.Hook == "stripe"
            && letter.DeadLetteredAt >= filter.From && letter.DeadLetteredAt < filter.To).Select(letter => letter.EventId).ToList();

        var found = new List<string>();
        string? next = null;
        do
        {
            var page = await Store.ListAsync(filter, limit: 37, next, CancellationToken.None);
            Assert.True(page.Items.Count <= 37);
            found.AddRange(page.Items.Select(letter => letter.EventId));
            next = page.Next;
        }
        while (next is not null);

        Assert.Equal(200, expected.Count);
        Assert.Equal(expected, found);
    }

    [Fact]
    public async Task BulkReplay_GoesThroughEveryMatch_PageByPage_PastTheOld500Cap()
    {
        var replayer = Replayer();
        var filter = new DeadLetterFilter(Cause: FailureCauses.RetriesExhausted, From: Start);

        var all = await replayer.ReplayMatchingAsync(filter, dryRun: true, limit: null, after: null, CancellationToken.None);
        var part = await replayer.ReplayMatchingAsync(filter, dryRun: true, limit: 250, after: null, CancellationToken.None);
        var rest = await replayer.ReplayMatchingAsync(filter, dryRun: true, limit: null, after: part.Next, CancellationToken.None);

        Assert.Equal(1000, all.Matched);
        Assert.Null(all.Next);
        Assert.All(all.Items, item => Assert.Equal("would replay", item.Result));
        Assert.Equal(250, part.Items.Count);
        Assert.NotNull(part.Next);
        Assert.Equal(750, rest.Matched);
        Assert.Equal(all.Items.Select(item => item.EventId), part.Items.Concat(rest.Items).Select(item => item.EventId));
    }

    [Fact]
    public async Task BulkReplay_RemovesWhatItReplayed_AndTheListingNoLongerShowsIt()
    {
        // 600 of a hook of their own, a month before the seeded ones: more than the old cap of 500 per call.
        var mine = Enumerable.Range(0, 600).Select(index => DeadLetterListingFixture.Letter($"evt_replay_{index:D3}", "replay-me", FailureCauses.Mapping,
            Start.AddDays(-30).AddSeconds(index))).ToList();
        await fixture.AddAsync(mine);
        var filter = new DeadLetterFilter(Hook: "replay-me");

        var replay = await Replayer().ReplayMatchingAsync(filter, dryRun: false, limit: null, after: null, CancellationToken.None);
        var left = await Store.ListAsync(filter, DeadLetterStore.MaxPageSize, after: null, CancellationToken.None);
        var seededMapping = await Store.ListAsync(new DeadLetterFilter(Cause: FailureCauses.Mapping, From: Start), DeadLetterStore.MaxPageSize, after: null, CancellationToken.None);
        var queued = (await new Azure.Storage.Queues.QueueClient(fixture.ConnectionString, QueueNames.Events).GetPropertiesAsync()).Value.ApproximateMessagesCount;

        Assert.Equal(600, replay.Replayed);
        Assert.Equal(mine.Select(letter => letter.EventId), replay.Items.Select(item => item.EventId));
        Assert.Empty(left.Items);
        Assert.Equal(1000, seededMapping.Items.Count);
        Assert.Equal(600, queued);
        Assert.Null(await Store.GetAsync("evt_replay_000", CancellationToken.None));
    }

    [Fact]
    public async Task EventDeadLetteredTwice_IsListedOnce_AtItsLatestTime()
    {
        var first = DeadLetterListingFixture.Letter("evt_twice", "twice", FailureCauses.NotFound, Start.AddDays(-20));
        var again = first with { DeadLetteredAt = Start.AddDays(-19), Detail = "dead-lettered again" };

        await Store.AddAsync(first, rawMessage: null, CancellationToken.None);
        await Store.AddAsync(again, rawMessage: null, CancellationToken.None);
        var listed = await Store.ListAsync(new DeadLetterFilter(Hook: "twice"), DeadLetterStore.MaxPageSize, after: null, CancellationToken.None);

        var only = Assert.Single(listed.Items);
        Assert.Equal("dead-lettered again", only.Detail);
        Assert.Equal(again.DeadLetteredAt, only.DeadLetteredAt);
    }

    private EventReplayer Replayer() => fixture.Get<EventReplayer>();
}
