using System.Globalization;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Softr.Functions.Events;
using Softr.Functions.Storage;

namespace Softr.Functions.Processing;

/// <summary>An event processing gave up on, as the dead-letter listing shows it (never the payload).</summary>
public sealed record DeadLetter(
    [property: JsonPropertyName("eventId")] string EventId,
    [property: JsonPropertyName("hook")] string Hook,
    [property: JsonPropertyName("type")] string EventType,
    [property: JsonPropertyName("cause")] string Cause,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("deadLetteredAt")] DateTimeOffset DeadLetteredAt)
{
    /// <summary>The envelope to send again on replay; null for a message that could not be read at all.</summary>
    [JsonIgnore]
    public EventEnvelope? Envelope { get; init; }

    /// <summary>For a message that could not be read: the keys of the people it names (indexed for erasure, forgotten with it).</summary>
    [JsonIgnore]
    public IReadOnlyList<string> People { get; init; } = [];

    /// <summary>The letter row's ETag as read: a replay takes the letter back only if nothing wrote it since.</summary>
    [JsonIgnore]
    public Azure.ETag ETag { get; init; }
}

/// <summary>How many dead letters have one cause, and the hooks they came from.</summary>
public sealed record DeadLetterCause(
    [property: JsonPropertyName("cause")] string Cause,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("hooks")] IReadOnlyList<string> Hooks,
    [property: JsonPropertyName("latest")] DateTimeOffset Latest);

/// <summary>Which dead letters a bulk replay or a listing takes; every part optional.</summary>
/// <param name="Hooks">Any of these hooks (a Softr connection's: <see cref="Webhooks.HookCatalog.HooksCalling"/>); empty matches nothing.</param>
public sealed record DeadLetterFilter(string? Cause = null, string? Hook = null, DateTimeOffset? From = null, DateTimeOffset? To = null,
    IReadOnlyList<string>? Hooks = null);

/// <summary>One page of dead letters, oldest first, and where the next page starts (null after the last).</summary>
public sealed record DeadLetterPage(
    [property: JsonPropertyName("items")] IReadOnlyList<DeadLetter> Items,
    [property: JsonPropertyName("next")] string? Next);

/// <summary>
/// The dead-letter index: two rows per event processing gave up on, in one partition, written and
/// removed together in one transaction.
/// <list type="bullet">
/// <item>the <b>letter</b> row, keyed by event id: the cause, the detail and the envelope (an inline
/// envelope is at most 48 KiB; larger payloads are already in a blob), so that a replay needs nothing else;</item>
/// <item>the <b>time</b> row, keyed <c>by-time|{ticks}|{event id}</c>, with the listed columns only: a
/// listing reads these in key order, so it is filtered by time with a key range, and by cause and hook
/// by the table service itself, without reading a single envelope, and paged by key.</item>
/// </list>
/// </summary>
public sealed class DeadLetterStore(TableServiceClient tables)
{
    /// <summary>The most a page holds.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>A page's size when none is asked for.</summary>
    public const int DefaultPageSize = 100;

    private const string Partition = "deadletter";
    private const string TimePrefix = "by-time|";
    private const string EnvelopeColumn = "Envelope";
    private const string TimeKeyColumn = "TimeKey";
    private const string PeopleColumn = "People";
    // RowKey too: a selection returns only what it names, and the key is the next page's start.
    private static readonly string[] Listed =
        ["RowKey", nameof(DeadLetter.EventId), nameof(DeadLetter.Hook), nameof(DeadLetter.EventType), nameof(DeadLetter.Cause), nameof(DeadLetter.Detail), nameof(DeadLetter.DeadLetteredAt)];

    private readonly ReadyTable _ready = new(tables, TableNames.DeadLetters);

    /// <summary>
    /// Adds (or replaces) <paramref name="letter"/>'s rows. An event dead-lettered again (its status write
    /// was lost and it was redelivered) loses its earlier time row in the same transaction, so it is listed once.
    /// </summary>
    /// <returns>The letter row's ETag, to take the letter back only if nothing wrote it since.</returns>
    public async Task<ETag> AddAsync(DeadLetter letter, byte[]? rawMessage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(letter);
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        var timeKey = TimeKey(letter.DeadLetteredAt, letter.EventId);
        var row = Columns(new TableEntity(Partition, letter.EventId), letter);
        row[EnvelopeColumn] = letter.Envelope is { } envelope ? EventEnvelopeSerializer.Serialize(envelope).ToArray() : rawMessage;
        row[TimeKeyColumn] = timeKey;
        if (letter.People.Count > 0)
        {
            row[PeopleColumn] = string.Join(',', letter.People);
        }
        List<TableTransactionAction> actions =
        [
            new(TableTransactionActionType.UpsertReplace, row),
            new(TableTransactionActionType.UpsertReplace, Columns(new TableEntity(Partition, timeKey) { [nameof(DeadLetter.EventId)] = letter.EventId }, letter)),
        ];
        var earlier = await _ready.Client.GetEntityIfExistsAsync<TableEntity>(Partition, letter.EventId, [TimeKeyColumn], cancellationToken).ConfigureAwait(false);
        if (earlier.HasValue && earlier.Value!.GetString(TimeKeyColumn) is { Length: > 0 } earlierKey && earlierKey != timeKey)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(Partition, earlierKey), ETag.All));
        }
        try
        {
            var response = await _ready.Client.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            return response.Value[0].Headers.ETag ?? ETag.All;
        }
        catch (TableTransactionFailedException gone) when (gone.Status == 404 && actions.Count == 3)
        {
            // The earlier time row went meanwhile (a replay removed it): write without it.
            actions.RemoveAt(2);
            var response = await _ready.Client.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            return response.Value[0].Headers.ETag ?? ETag.All;
        }
    }

    public async Task<DeadLetter?> GetAsync(string eventId, CancellationToken cancellationToken)
    {
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        var row = await _ready.Client.GetEntityIfExistsAsync<TableEntity>(Partition, eventId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? Read(row.Value!) : null;
    }

    /// <summary>
    /// The dead letters <paramref name="filter"/> takes, oldest first, at most <paramref name="limit"/>,
    /// starting after <paramref name="after"/> (a previous page's <see cref="DeadLetterPage.Next"/>).
    /// Without envelopes: <see cref="DeadLetter.Envelope"/> is null; <see cref="GetAsync"/> has it.
    /// </summary>
    public async Task<DeadLetterPage> ListAsync(DeadLetterFilter filter, int limit, string? after, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        // One more than asked tells whether there is a next page.
        var (items, next) = await PageCursor.ReadAsync(OfHooks(_ready.Client.QueryAsync<TableEntity>(Query(filter, after), maxPerPage: Math.Min(limit + 1, MaxPageSize),
            select: Listed, cancellationToken: cancellationToken), filter), limit, Read).ConfigureAwait(false);
        return new DeadLetterPage(items, next);
    }

    /// <summary>
    /// The dead letters <paramref name="filter"/> takes, grouped by cause, most first. One pass over the
    /// time rows with three columns each, filtered by the table service: thousands of letters read in
    /// well under a second (5,000 in Azurite: see <c>DeadLetterListingTests</c>).
    /// </summary>
    public async Task<IReadOnlyList<DeadLetterCause>> CountByCauseAsync(DeadLetterFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        var causes = new Dictionary<string, (int Count, SortedSet<string> Hooks, DateTimeOffset Latest)>(StringComparer.Ordinal);
        await foreach (var row in OfHooks(_ready.Client.QueryAsync<TableEntity>(Query(filter, after: null), maxPerPage: MaxPageSize,
            select: [nameof(DeadLetter.Cause), nameof(DeadLetter.Hook), nameof(DeadLetter.DeadLetteredAt)], cancellationToken: cancellationToken), filter).ConfigureAwait(false))
        {
            var cause = row.GetString(nameof(DeadLetter.Cause)) ?? "";
            var at = row.GetDateTimeOffset(nameof(DeadLetter.DeadLetteredAt)) ?? DateTimeOffset.MinValue;
            var (count, hooks, latest) = causes.TryGetValue(cause, out var seen) ? seen : (0, new SortedSet<string>(StringComparer.Ordinal), DateTimeOffset.MinValue);
            hooks.Add(row.GetString(nameof(DeadLetter.Hook)) ?? "");
            causes[cause] = (count + 1, hooks, at > latest ? at : latest);
        }
        return [.. causes.Select(cause => new DeadLetterCause(cause.Key, cause.Value.Count, [.. cause.Value.Hooks], cause.Value.Latest))
            .OrderByDescending(cause => cause.Count).ThenBy(cause => cause.Cause, StringComparer.Ordinal)];
    }

    /// <summary>Removes the dead letter, both rows, if its letter row is still as <paramref name="ifMatch"/> (<see cref="ETag.All"/> for any).</summary>
    public async Task RemoveAsync(string eventId, ETag ifMatch, CancellationToken cancellationToken)
    {
        var letter = await _ready.Client.GetEntityIfExistsAsync<TableEntity>(Partition, eventId, [TimeKeyColumn], cancellationToken).ConfigureAwait(false);
        if (!letter.HasValue)
        {
            return;
        }
        // By its keys: a selection returns only the columns it names, not the keys.
        List<TableTransactionAction> actions = [new(TableTransactionActionType.Delete, new TableEntity(Partition, eventId), ifMatch == ETag.All ? letter.Value!.ETag : ifMatch)];
        if (letter.Value!.GetString(TimeKeyColumn) is { Length: > 0 } timeKey)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(Partition, timeKey), ETag.All));
        }
        try
        {
            await _ready.Client.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException changed) when (changed.Status is 412 or 404)
        {
            // Written again since (another attempt dead-lettered it), or already removed: what is there stands.
        }
    }

    /// <summary>
    /// Removes every dead letter dead-lettered before <paramref name="cutoff"/> (a key range of the time
    /// index); returns each removed letter's id and the people it named (an unreadable message's), for the
    /// caller to forget their index rows.
    /// </summary>
    public async Task<IReadOnlyList<(string EventId, IReadOnlyList<string> People)>> RemoveOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        var old = new List<string>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {TimePrefix} and RowKey lt {TimePrefix + Ticks(cutoff)}");
        await foreach (var row in _ready.Client.QueryAsync<TableEntity>(filter, select: ["RowKey", nameof(DeadLetter.EventId)], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            old.Add(row.GetString(nameof(DeadLetter.EventId)) ?? "");
        }
        var removed = new List<(string, IReadOnlyList<string>)>();
        foreach (var eventId in old.Where(id => id.Length > 0))
        {
            var people = await _ready.Client.GetEntityIfExistsAsync<TableEntity>(Partition, eventId, [PeopleColumn], cancellationToken).ConfigureAwait(false);
            await RemoveAsync(eventId, ETag.All, cancellationToken).ConfigureAwait(false);
            removed.Add((eventId, people.HasValue ? SplitPeople(people.Value!.GetString(PeopleColumn)) : []));
        }
        return removed;
    }

    private static IReadOnlyList<string> SplitPeople(string? people) => string.IsNullOrEmpty(people) ? [] : people.Split(',');

    /// <summary>The time rows in range, with cause and hook compared by the table service.</summary>
    private static string Query(DeadLetterFilter filter, string? after)
    {
        var from = after is not null ? PageCursor.ToRowKey(after, TimePrefix) : TimePrefix + (filter.From is { } start ? Ticks(start) : "");
        var to = filter.To is { } end ? TimePrefix + Ticks(end) : TimePrefix + "~";
        var clauses = new List<string>
        {
            TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"),
            after is not null ? TableClient.CreateQueryFilter($"RowKey gt {from}") : TableClient.CreateQueryFilter($"RowKey ge {from}"),
            TableClient.CreateQueryFilter($"RowKey lt {to}"),
        };
        if (filter.Cause is { } cause)
        {
            // Causes are lower-case codes; a filter in any case finds them.
            clauses.Add(TableClient.CreateQueryFilter($"Cause eq {cause.ToLowerInvariant()}"));
        }
        if (filter.Hook is { } hook)
        {
            clauses.Add(TableClient.CreateQueryFilter($"Hook eq {hook}"));
        }
        return string.Join(" and ", clauses);
    }

    /// <summary>
    /// The rows of <see cref="DeadLetterFilter.Hooks"/>' hooks, when it names any, taken here rather than by the table service:
    /// a filter holds at most 15 comparisons, and a Softr connection may be called by more hooks than that leaves room for.
    /// The rows are read in key order either way, so a page's cursor still follows its last row.
    /// </summary>
    private static IAsyncEnumerable<TableEntity> OfHooks(IAsyncEnumerable<TableEntity> rows, DeadLetterFilter filter) =>
        filter.Hooks is { } hooks
            ? rows.Where(row => hooks.Contains(row.GetString(nameof(DeadLetter.Hook)) ?? "", StringComparer.Ordinal))
            : rows;

    private static TableEntity Columns(TableEntity row, DeadLetter letter)
    {
        row[nameof(DeadLetter.Hook)] = letter.Hook;
        row[nameof(DeadLetter.EventType)] = letter.EventType;
        row[nameof(DeadLetter.Cause)] = letter.Cause;
        row[nameof(DeadLetter.Detail)] = StorageLimits.Cut(letter.Detail);
        row[nameof(DeadLetter.DeadLetteredAt)] = letter.DeadLetteredAt;
        return row;
    }

    private static string TimeKey(DateTimeOffset at, string eventId) => $"{TimePrefix}{Ticks(at)}|{eventId}";

    private static string Ticks(DateTimeOffset at) => Math.Max(0, at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    private static DeadLetter Read(TableEntity row)
    {
        EventEnvelope? envelope = null;
        if (row.GetBinary(EnvelopeColumn) is { } bytes)
        {
            try
            {
                envelope = EventEnvelopeSerializer.Deserialize(BinaryData.FromBytes(bytes));
            }
            catch (InvalidEventEnvelopeException)
            {
                // An unreadable message is listed with its cause, and cannot be replayed.
            }
        }
        return new DeadLetter(row.GetString(nameof(DeadLetter.EventId)) ?? row.RowKey, row.GetString(nameof(DeadLetter.Hook)) ?? "",
            row.GetString(nameof(DeadLetter.EventType)) ?? "", row.GetString(nameof(DeadLetter.Cause)) ?? "", row.GetString(nameof(DeadLetter.Detail)) ?? "",
            row.GetDateTimeOffset(nameof(DeadLetter.DeadLetteredAt)) ?? DateTimeOffset.MinValue)
        {
            Envelope = envelope,
            People = SplitPeople(row.GetString(PeopleColumn)),
            ETag = row.ETag,
        };
    }
}
