using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Softr.Functions.Storage;

namespace Softr.Functions.Privacy;

/// <summary>
/// Which events hold which person's e-mail, so that an erase request finds them without a scan, and which
/// people were erased when, so that an event still on the queue at the time is dropped when it comes.
/// <list type="bullet">
/// <item>an <b>index row</b> per address and event: partition = the person's key, row = the event id. An
/// event is indexed once, on the attempt that first runs it, with every address in its payload
/// (<see cref="EmailAddresses.FindIn"/>: the one e-mail rule, international addresses included);</item>
/// <item>an <b>erased marker</b> per erased person: the same partition, row <see cref="ErasedRow"/>, with
/// when. It is written before an erasure looks the person's events up, and an event is indexed before it
/// looks for markers, so of an erasure and a first attempt running at once, one always sees the other.</item>
/// </list>
/// A person's key is an HMAC-SHA256 of the address in its normal form (<see cref="EmailAddresses.Normalize"/>)
/// under a key of the app's own: the table holds no address, and without the key a guess cannot be checked
/// against it. The key is random, made once, and kept in blob storage encrypted with Data Protection (so,
/// in Azure, behind Key Vault).
/// <para>
/// When the key ring cannot open the key, a new one is made, but the old one is never overwritten: it is
/// kept as a retired key. A ring that failed for a while (Key Vault unreachable, a restore from backup)
/// opens it again, and an erasure then looks the person up under every key that opens, so the people
/// indexed before are found again.
/// </para>
/// </summary>
public sealed partial class PersonIndex(TableServiceClient tables, BlobServiceClient blobs, IDataProtectionProvider protection, ILogger<PersonIndex> logger)
{
    /// <summary>The erased marker's row key: after every event id ("evt_...", "unreadable-..."), so a person's events read first.</summary>
    public const string ErasedRow = "~erased";

    private const string ErasedAtColumn = "ErasedAt";
    private const string KeyBlob = "person-index-key";

    /// <summary>Keys the ring could not open when a new one was made: kept, never deleted, for the day it opens them again.</summary>
    private const string RetiredKeyPrefix = "person-index-key.retired/";
    private readonly ReadyTable _ready = new(tables, TableNames.PersonIndex);
    private readonly IDataProtector _protector = protection.CreateProtector("Softr.Functions.PersonIndex.v1");
    private byte[]? _key;

    /// <summary>
    /// Indexes every address in <paramref name="payload"/> as held by <paramref name="eventId"/>, then says
    /// whether one of them was erased at or after <paramref name="receivedAt"/>: the event came in before an
    /// erasure that could not see it (it was still on the queue), and must be dropped, not run.
    /// </summary>
    /// <returns>The people's keys (for the event's summary, so retention can remove these rows), and the one erased since, if any.</returns>
    public Task<(IReadOnlyList<string> People, string? ErasedSinceReceipt)> IndexAsync(string eventId, JsonElement payload, DateTimeOffset receivedAt,
        CancellationToken cancellationToken) =>
        IndexAndCheckAsync(eventId, EmailsIn(payload), receivedAt, cancellationToken);

    /// <summary>As <see cref="IndexAsync"/>, for an event whose payload is text that is not JSON (a payload blob that could not be read): the addresses in it.</summary>
    public Task<(IReadOnlyList<string> People, string? ErasedSinceReceipt)> IndexTextAsync(string eventId, string text, DateTimeOffset receivedAt,
        CancellationToken cancellationToken) =>
        IndexAndCheckAsync(eventId, EmailAddresses.FindIn(text), receivedAt, cancellationToken);

    private async Task<(IReadOnlyList<string> People, string? ErasedSinceReceipt)> IndexAndCheckAsync(string eventId, IReadOnlySet<string> emails,
        DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var people = await KeysAsync(emails, cancellationToken).ConfigureAwait(false);
        if (people.Count == 0)
        {
            return (people, null);
        }
        foreach (var person in people)
        {
            await _ready.Client.UpsertEntityAsync(new TableEntity(person, eventId), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        // After the index rows, never before: see the class's remarks.
        foreach (var person in people)
        {
            if (await ErasedAtAsync(person, cancellationToken).ConfigureAwait(false) is { } erasedAt && erasedAt >= receivedAt)
            {
                return (people, person);
            }
        }
        return (people, null);
    }

    /// <summary>
    /// For a later attempt of an event indexed before (as <paramref name="indexedAs"/>): whether one of <paramref name="emails"/>
    /// was erased at or after <paramref name="receivedAt"/> under a key the event was not indexed under. That happens only when
    /// the key changed (the ring could not open the old one): an erasure since could not find the event, and its marker is the
    /// only sign. Otherwise no storage is read.
    /// </summary>
    public async Task<string?> ErasedUnderAnotherKeyAsync(IReadOnlySet<string> emails, IReadOnlyList<string> indexedAs, DateTimeOffset receivedAt,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(indexedAs);
        foreach (var person in (await KeysAsync(emails, cancellationToken).ConfigureAwait(false)).Except(indexedAs, StringComparer.Ordinal))
        {
            if (await ErasedAtAsync(person, cancellationToken).ConfigureAwait(false) is { } erasedAt && erasedAt >= receivedAt)
            {
                return person;
            }
        }
        return null;
    }

    /// <summary>Indexes the addresses in any text (a message that is not a readable event, kept as a dead letter) as held by <paramref name="id"/>.</summary>
    public async Task<IReadOnlyList<string>> IndexTextAsync(string id, string text, CancellationToken cancellationToken)
    {
        var people = await KeysAsync(EmailAddresses.FindIn(text), cancellationToken).ConfigureAwait(false);
        foreach (var person in people)
        {
            await _ready.Client.UpsertEntityAsync(new TableEntity(person, id), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        return people;
    }

    /// <summary>The person's key: an HMAC of the address's normal form, under the app's own key. Holds no address.</summary>
    public async Task<string> KeyOfAsync(string email, CancellationToken cancellationToken) =>
        Hash(await KeyAsync(cancellationToken).ConfigureAwait(false), EmailAddresses.Normalize(email));

    /// <summary>
    /// The person's keys for an erasure: under the key this process indexes with first, then under every stored key the
    /// ring opens now: the live one (another instance may have replaced the key this process still holds in memory) and
    /// the retired ones (see the class's remarks). Those that do not open are counted: the people indexed under them
    /// cannot be found until the ring opens them again.
    /// </summary>
    /// <returns>The keys, the one this process indexes with first; and how many stored keys did not open.</returns>
    public async Task<(IReadOnlyList<string> Keys, int NotOpened)> KeysOfAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = EmailAddresses.Normalize(email);
        var keys = new List<string> { Hash(await KeyAsync(cancellationToken).ConfigureAwait(false), normalized) };
        var notOpened = 0;
        var container = blobs.GetBlobContainerClient(ContainerNames.DataProtection);
        // The prefix matches the live key's blob and the retired ones'.
        await foreach (var stored in container.GetBlobsAsync(new GetBlobsOptions { Prefix = KeyBlob }, cancellationToken).ConfigureAwait(false))
        {
            var content = (await container.GetBlobClient(stored.Name).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToArray();
            try
            {
                keys.Add(Hash(_protector.Unprotect(content), normalized));
            }
            catch (CryptographicException)
            {
                // Closed for now: the erasure says it is incomplete.
                notOpened++;
            }
        }
        return ([.. keys.Distinct(StringComparer.Ordinal)], notOpened);
    }

    /// <summary>
    /// Marks the person erased now, under each of their keys (an instance that still holds an older key in memory indexes
    /// under it); written before their events are looked up.
    /// </summary>
    public async Task MarkErasedAsync(IEnumerable<string> keys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        foreach (var person in keys)
        {
            await _ready.Client.UpsertEntityAsync(new TableEntity(person, ErasedRow) { [ErasedAtColumn] = now }, TableUpdateMode.Replace, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>The ids indexed as holding the person's address under any of their keys, once each.</summary>
    public async Task<IReadOnlyList<string>> FindAsync(IEnumerable<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var ids = new List<string>();
        foreach (var person in keys)
        {
            ids.AddRange(await FindAsync(person, cancellationToken).ConfigureAwait(false));
        }
        return [.. ids.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The ids indexed as holding the person's address (events, and unreadable messages kept as dead letters).</summary>
    public async Task<IReadOnlyList<string>> FindAsync(string person, CancellationToken cancellationToken)
    {
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        var ids = new List<string>();
        await foreach (var row in _ready.Client.QueryAsync<TableEntity>(entity => entity.PartitionKey == person && entity.RowKey != ErasedRow, select: ["RowKey"],
            cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            ids.Add(row.RowKey);
        }
        return ids;
    }

    /// <summary>Removes the index rows of <paramref name="ids"/> for each of <paramref name="people"/> (an erasure, a retention sweep); markers stay.</summary>
    public async Task ForgetAsync(IEnumerable<string> people, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(people);
        ArgumentNullException.ThrowIfNull(ids);
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        foreach (var person in people)
        {
            // One by one rather than in a transaction: a row already gone must not fail the others.
            foreach (var id in ids.Where(id => id != ErasedRow))
            {
                await DeleteIfThereAsync(person, id, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Removes erased markers older than <paramref name="cutoff"/>: by then no copy of an event received before the erasure can still arrive.</summary>
    public async Task<int> RemoveMarkersOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        var old = new List<string>();
        await foreach (var row in _ready.Client.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {ErasedRow} and ErasedAt lt {cutoff}"),
            select: ["PartitionKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            old.Add(row.PartitionKey);
        }
        foreach (var person in old)
        {
            await DeleteIfThereAsync(person, ErasedRow, cancellationToken).ConfigureAwait(false);
        }
        return old.Count;
    }

    /// <summary>Every e-mail address in the payload's strings, in normal form, once each.</summary>
    internal static IReadOnlySet<string> EmailsIn(JsonElement payload)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        void Walk(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        Walk(property.Value);
                    }
                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Walk(item);
                    }
                    break;
                case JsonValueKind.String when element.GetString() is { } text && text.Contains('@', StringComparison.Ordinal):
                    found.UnionWith(EmailAddresses.FindIn(text));
                    break;
            }
        }
        Walk(payload);
        return found;
    }

    private async Task<IReadOnlyList<string>> KeysAsync(IReadOnlySet<string> emails, CancellationToken cancellationToken)
    {
        if (emails.Count == 0)
        {
            return [];
        }
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        var key = await KeyAsync(cancellationToken).ConfigureAwait(false);
        return [.. emails.Select(email => Hash(key, email)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    private async Task<DateTimeOffset?> ErasedAtAsync(string person, CancellationToken cancellationToken)
    {
        var marker = await _ready.Client.GetEntityIfExistsAsync<TableEntity>(person, ErasedRow, [ErasedAtColumn], cancellationToken).ConfigureAwait(false);
        return marker.HasValue ? marker.Value!.GetDateTimeOffset(ErasedAtColumn) : null;
    }

    private async Task DeleteIfThereAsync(string person, string id, CancellationToken cancellationToken)
    {
        try
        {
            await _ready.Client.DeleteEntityAsync(person, id, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException gone) when (gone.Status == 404)
        {
            // Already removed.
        }
    }

    private static string Hash(byte[] key, string normalizedEmail) =>
        Convert.ToHexString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(normalizedEmail)));

    /// <summary>The HMAC key: read once per process; made (and stored, only if none is there yet) on first use.</summary>
    private async Task<byte[]> KeyAsync(CancellationToken cancellationToken)
    {
        if (_key is { } known)
        {
            return known;
        }
        var container = blobs.GetBlobContainerClient(ContainerNames.DataProtection);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var blob = container.GetBlobClient(KeyBlob);
        try
        {
            var fresh = _protector.Protect(RandomNumberGenerator.GetBytes(32));
            // Created only if absent: of instances racing to make it, one wins and all read that one.
            await blob.UploadAsync(BinaryData.FromBytes(fresh), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (RequestFailedException exists) when (exists.Status is 409 or 412)
        {
            // Made before: use it.
        }
        var stored = (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
        try
        {
            return _key = _protector.Unprotect(stored.Content.ToArray());
        }
        catch (CryptographicException lost)
        {
            // The key ring cannot open the key: lost (its blobs deleted, Key Vault's wrapping secret removed) or, for now,
            // unreachable. A new key keeps indexing and erasure working; the old one is kept first, never overwritten, so
            // that a ring which opens it again finds the people indexed under it (KeysOfAsync). Said loudly, once.
            LogKeyLost(lost);
            await RetireAsync(container, stored, cancellationToken).ConfigureAwait(false);
            var fresh = _protector.Protect(RandomNumberGenerator.GetBytes(32));
            try
            {
                await blob.UploadAsync(BinaryData.FromBytes(fresh), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = stored.Details.ETag } },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException replaced) when (replaced.Status is 409 or 412)
            {
                // Another instance replaced it first: use theirs.
                _key = null;
                return await KeyAsync(cancellationToken).ConfigureAwait(false);
            }
            return _key = _protector.Unprotect(fresh);
        }
    }

    /// <summary>Keeps a key the ring could not open, under a name of its own (its ETag: the same stored key is kept once, whoever retires it).</summary>
    private static async Task RetireAsync(BlobContainerClient container, BlobDownloadResult stored, CancellationToken cancellationToken)
    {
        var name = RetiredKeyPrefix + stored.Details.ETag.ToString().Trim('"');
        try
        {
            await container.GetBlobClient(name).UploadAsync(stored.Content, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException exists) when (exists.Status is 409 or 412)
        {
            // Another instance kept it first.
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The person index's key could not be opened (the Data Protection key ring lost its key, or cannot reach it); a new key was made and the old one kept. Until the ring opens the old key again, people indexed before cannot be found by an erase request: see the runbook, 'Lost key ring'")]
    private partial void LogKeyLost(Exception exception);
}
