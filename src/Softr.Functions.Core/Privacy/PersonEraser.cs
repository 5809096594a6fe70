using System.Text.Json.Serialization;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Softr.Functions.Events;
using Softr.Functions.Processing;
using Softr.Functions.Storage;
using Softr.Functions.Telemetry;
using Softr.Users;

namespace Softr.Functions.Privacy;

/// <summary>What an erase request found, and (unless a dry run) deleted. The address is shown masked.</summary>
public sealed record ErasureReport(
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("dryRun")] bool DryRun,
    [property: JsonPropertyName("events")] IReadOnlyList<string> Events,
    [property: JsonPropertyName("deadLetters")] int DeadLetters,
    [property: JsonPropertyName("payloads")] int Payloads)
{
    /// <summary>
    /// With <c>"softr": true</c>: what became of the person's Softr user (<c>deleted</c>, <c>not found</c>, or why it could not be
    /// deleted). With several Softr apps, each app's, as <c>{connection}: {outcome}</c> joined by <c>; </c> (see <see cref="SoftrUsers"/>).
    /// </summary>
    [JsonPropertyName("softrUser")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SoftrUser { get; init; }

    /// <summary>With <c>"softr": true</c>: the outcome in each Softr app (connection) that has a domain, by connection name.</summary>
    [JsonPropertyName("softrUsers")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? SoftrUsers { get; init; }

    /// <summary>
    /// How many of the person index's older keys the key ring could not open: the events indexed under them were not
    /// found, and the erasure is incomplete until the ring opens them again (runbook, "Lost key ring"). Absent when none.
    /// </summary>
    [JsonPropertyName("keysNotOpened")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int KeysNotOpened { get; init; }
}

/// <summary>
/// Erases one person's data, the answer to a data-subject request. In this order:
/// <list type="number">
/// <item>the person is marked erased (<see cref="PersonIndex.MarkErasedAsync"/>): an event naming them that
/// is still on the queue, and so not indexed yet, is dropped when it comes (it was received before);</item>
/// <item>every event the person index lists for the address is replaced by a tombstone (its id, hook and
/// type, and the person's key: no personal data), and its other rows, its dead letter, its payload blob and
/// its row in the events list are deleted. The tombstone stays while a copy of the event could still arrive
/// (<see cref="RetentionOptions.Tombstones"/>): a retry waiting on the queue, a sender's redelivery or a
/// replay finds it and is dropped before any Softr call, instead of bringing the person back;</item>
/// <item>the index rows go; the marker stays as long as the tombstones;</item>
/// <item>if an attempt held one of the events when it was tombstoned, the erasure waits for a Softr call that attempt
/// may already have on the wire (at most <see cref="SoftrClientOptions.AttemptTimeout"/>): its next call finds the
/// tombstone and does not leave, and once the erasure answers, nothing more reaches Softr about the person.</item>
/// </list>
/// With <c>softr</c>, the person's Softr user is deleted too, in every Softr app this deployment serves (each connection
/// with a domain: a person may have been onboarded to more than one portal), or in the apps the request names; otherwise
/// what Softr holds is not touched. Our own rows of the person are erased whatever apps are named: they are one store.
/// </summary>
public sealed partial class PersonEraser(PersonIndex index, TableServiceClient tables, IPayloadStore payloads, DeadLetterStore deadLetters, EventIndex eventIndex,
    EventProgressStore progressStore, ISoftrClients softr, IOptions<SoftrClientOptions> softrOptions, TimeProvider time, ILogger<PersonEraser> logger)
{
    /// <summary>A dry run's outcome for each Softr app the erasure would ask to delete the user.</summary>
    public const string WouldBeDeleted = "would be deleted (dry run)";

    /// <summary>The longest an erasure waits for calls on the wire (an HTTP front end gives up on a request after about 230 s).</summary>
    public static readonly TimeSpan MaxWaitForCallsOnTheWire = TimeSpan.FromMinutes(1);

    private const int MaxTombstoneTries = 5;
    private readonly ReadyTable _events = new(tables, TableNames.Events);

    /// <param name="deleteSoftrUser">Also delete the person's Softr user: in every app with a domain, or only in <paramref name="inApps"/>.</param>
    /// <param name="inApps">The connections whose apps the user is deleted from (each one of <see cref="SoftrApps"/>); null: all of them.</param>
    public async Task<ErasureReport> EraseAsync(string email, bool dryRun, CancellationToken cancellationToken, bool deleteSoftrUser = false, IReadOnlyCollection<string>? inApps = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        // Under the current key, and any older key the ring opens again (PersonIndex: a key it could not open is kept, not lost).
        var (keys, keysNotOpened) = await index.KeysOfAsync(email, cancellationToken).ConfigureAwait(false);
        var person = keys[0];
        if (!dryRun)
        {
            // Before the lookup: an event indexed from now on sees the marker; one indexed before is found below.
            await index.MarkErasedAsync(keys, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        var ids = await index.FindAsync(keys, cancellationToken).ConfigureAwait(false);
        var letters = 0;
        var blobs = 0;
        var attemptsHeldEvents = false;
        await _events.GetAsync(cancellationToken).ConfigureAwait(false);
        foreach (var id in ids)
        {
            var letter = await deadLetters.GetAsync(id, cancellationToken).ConfigureAwait(false);
            var blob = BlobPayloadStore.NameOf(id);
            var hasBlob = letter?.Envelope?.PayloadReference is not null || await HasPayloadAsync(id, cancellationToken).ConfigureAwait(false);
            letters += letter is null ? 0 : 1;
            blobs += hasBlob ? 1 : 0;
            if (dryRun)
            {
                continue;
            }
            attemptsHeldEvents |= await TombstoneAsync(id, person, cancellationToken).ConfigureAwait(false);
            if (letter is not null)
            {
                await deadLetters.RemoveAsync(id, Azure.ETag.All, cancellationToken).ConfigureAwait(false);
            }
            await payloads.DeleteAsync(blob, cancellationToken).ConfigureAwait(false);
        }
        IReadOnlyDictionary<string, string>? softrUsers = null;
        if (!dryRun)
        {
            await index.ForgetAsync(keys, ids, cancellationToken).ConfigureAwait(false);
            if (attemptsHeldEvents)
            {
                // Before the Softr user's deletion and before the answer: a create already on the wire must land first.
                await WaitForCallsOnTheWireAsync(cancellationToken).ConfigureAwait(false);
            }
            if (deleteSoftrUser)
            {
                softrUsers = await DeleteSoftrUsersAsync(email.Trim(), inApps, cancellationToken).ConfigureAwait(false);
            }
            SoftrTelemetry.Erasures.Add(1);
            LogErased(ids.Count, LogText.MaskEmails(email));
        }
        else if (deleteSoftrUser)
        {
            // What the erasure would ask of Softr: the apps in scope, none of them asked now.
            softrUsers = new SortedDictionary<string, string>(AppsInScope(inApps).ToDictionary(connection => connection.Name, _ => WouldBeDeleted), StringComparer.Ordinal);
        }
        if (keysNotOpened > 0)
        {
            LogIncomplete(keysNotOpened);
        }
        return new ErasureReport(LogText.MaskEmails(email), dryRun, ids, letters, blobs)
        {
            SoftrUser = softrUsers is null ? null : softrUsers.Count == 1 ? softrUsers.Values.Single() : string.Join("; ", softrUsers.Select(app => $"{app.Key}: {app.Value}")),
            SoftrUsers = softrUsers,
            KeysNotOpened = keysNotOpened,
        };
    }

    /// <summary>
    /// Replaces the event's summary by its tombstone, conditional on the summary as read, so that an attempt which takes the
    /// event between the read and the write is seen (the write fails, and the summary is read again).
    /// </summary>
    /// <returns>Whether an attempt held the event: one of its Softr calls may be on the wire.</returns>
    private async Task<bool> TombstoneAsync(string id, string person, CancellationToken cancellationToken)
    {
        for (var tries = 1; ; tries++)
        {
            var summary = await _events.Client.GetEntityIfExistsAsync<TableEntity>(id, EventRows.SummaryRow,
                [EventRows.ReceivedAt, EventRows.Hook, EventRows.Type, EventRows.LeaseHolder], cancellationToken).ConfigureAwait(false);
            if (!summary.HasValue)
            {
                return false;
            }
            var receivedAt = summary.Value!.GetDateTimeOffset(EventRows.ReceivedAt) ?? DateTimeOffset.MinValue;
            // Past a few changes in a row, unconditionally, and taken as held: the tombstone must land.
            var conditional = tries <= MaxTombstoneTries;
            try
            {
                // The tombstone first: from here no attempt can write to the event, nor bring a row back, nor send a call.
                await progressStore.TombstoneAsync(id, summary.Value.GetString(EventRows.Hook) ?? "", summary.Value.GetString(EventRows.Type) ?? "", receivedAt, person,
                    lease: null, cancellationToken, unchangedSince: conditional ? summary.Value.ETag : null).ConfigureAwait(false);
            }
            catch (Azure.RequestFailedException changed) when (conditional && changed.Status == 412)
            {
                continue; // an attempt wrote meanwhile: read it again
            }
            await eventIndex.RemoveAsync(id, receivedAt, cancellationToken).ConfigureAwait(false);
            return !conditional || !string.IsNullOrEmpty(summary.Value.GetString(EventRows.LeaseHolder));
        }
    }

    /// <summary>
    /// Waits for a Softr call an attempt may have sent before the tombstones: a call leaves only while its attempt holds
    /// the event (the guard's conditional renewal), so none leaves after them, and one already sent ends within a try's
    /// timeout. Bounded (<see cref="MaxWaitForCallsOnTheWire"/>), so that the erase request is answered before an HTTP
    /// front end gives up on it. An attempt whose process died is waited for too; erasures are rare.
    /// </summary>
    private Task WaitForCallsOnTheWireAsync(CancellationToken cancellationToken)
    {
        var wait = softrOptions.Value.AttemptTimeout < MaxWaitForCallsOnTheWire ? softrOptions.Value.AttemptTimeout : MaxWaitForCallsOnTheWire;
        return Task.Delay(wait, time, cancellationToken);
    }

    /// <summary>
    /// The connections whose Softr apps an erasure can delete a user from: those with a domain, which the Users API names the
    /// app by. An agency's portals may belong to different clients, each answering its own people's requests, so an erasure may
    /// name some of them.
    /// </summary>
    public IReadOnlyList<string> SoftrApps => [.. softr.Connections.All.Where(connection => connection.HasDomain).Select(connection => connection.Name)];

    /// <summary>The connections with a domain, or those of them <paramref name="inApps"/> names.</summary>
    private IEnumerable<SoftrConnection> AppsInScope(IReadOnlyCollection<string>? inApps) =>
        softr.Connections.All.Where(connection => connection.HasDomain && (inApps is null || inApps.Contains(connection.Name, StringComparer.OrdinalIgnoreCase)));

    /// <summary>The user deleted in every app that has a domain, or in those named, each app's outcome by connection.</summary>
    private async Task<IReadOnlyDictionary<string, string>> DeleteSoftrUsersAsync(string email, IReadOnlyCollection<string>? inApps, CancellationToken cancellationToken)
    {
        var outcomes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var connection in AppsInScope(inApps))
        {
            outcomes[connection.Name] = await DeleteSoftrUserAsync(connection, email, cancellationToken).ConfigureAwait(false);
        }
        return outcomes;
    }

    private async Task<string> DeleteSoftrUserAsync(SoftrConnection connection, string email, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(connection.ApiKey) || Hosting.KeyVaultReferences.IsUnresolved(connection.ApiKey))
        {
            return $"not deleted: {connection.ApiKeySetting} holds no usable key; delete the user in Softr";
        }
        try
        {
            return await softr.Users(connection.Name).DeleteUserAsync(email, cancellationToken).ConfigureAwait(false) == DeleteUserOutcome.Deleted ? "deleted" : "not found";
        }
        catch (SoftrApiException failed)
        {
            // Our data is erased all the same; the answer says what to do about Softr's.
            return $"not deleted: Softr answered {(failed.StatusCode is { } status ? ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture) : "nothing")}; delete the user in Softr";
        }
    }

    private async Task<bool> HasPayloadAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            _ = await payloads.GetAsync(BlobPayloadStore.NameOf(id), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Azure.RequestFailedException missing) when (missing.Status == 404)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Erased {Events} events holding {Email}; their tombstones drop any copy that still comes")]
    private partial void LogErased(int events, string email);

    [LoggerMessage(Level = LogLevel.Error, Message = "The erasure is incomplete: {Keys} older key(s) of the person index could not be opened, so the events indexed under them were not found; see the runbook, 'Lost key ring'")]
    private partial void LogIncomplete(int keys);
}
