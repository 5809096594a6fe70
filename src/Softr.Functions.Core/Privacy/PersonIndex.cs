using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.DataProtection;
using Softr.Functions.Storage;

namespace Softr.Functions.Privacy;

/// <summary>
/// Which events hold which person's e-mail, so that an erase request finds them without a scan. When an
/// event is processed, every e-mail address in its payload is indexed: one row per address and event,
/// keyed by an HMAC-SHA256 of the address (lower-cased) under a key of the app's own. The index holds no
/// address, and without the key a guess cannot be checked against it. The key is random, made once, and
/// kept in blob storage encrypted with Data Protection (so, in Azure, behind Key Vault).
/// </summary>
public sealed partial class PersonIndex(TableServiceClient tables, BlobServiceClient blobs, IDataProtectionProvider protection)
{
    private const string KeyBlob = "person-index-key";
    private readonly ReadyTable _ready = new(tables, TableNames.PersonIndex);
    private readonly IDataProtector _protector = protection.CreateProtector("Softr.Functions.PersonIndex.v1");
    private byte[]? _key;

    /// <summary>Indexes every e-mail address in <paramref name="payload"/> as held by <paramref name="eventId"/>.</summary>
    public async Task IndexAsync(string eventId, JsonElement payload, CancellationToken cancellationToken)
    {
        var emails = EmailsIn(payload);
        if (emails.Count == 0)
        {
            return;
        }
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        var key = await KeyAsync(cancellationToken).ConfigureAwait(false);
        foreach (var email in emails)
        {
            await _ready.Client.UpsertEntityAsync(new TableEntity(Hash(key, email), eventId), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The events indexed as holding <paramref name="email"/>.</summary>
    public async Task<IReadOnlyList<string>> FindAsync(string email, CancellationToken cancellationToken)
    {
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        var partition = Hash(await KeyAsync(cancellationToken).ConfigureAwait(false), email);
        var events = new List<string>();
        await foreach (var row in _ready.Client.QueryAsync<TableEntity>(entity => entity.PartitionKey == partition, select: ["RowKey"], cancellationToken: cancellationToken)
            .ConfigureAwait(false))
        {
            events.Add(row.RowKey);
        }
        return events;
    }

    /// <summary>Removes <paramref name="email"/>'s index rows.</summary>
    public async Task ForgetAsync(string email, IEnumerable<string> eventIds, CancellationToken cancellationToken)
    {
        var partition = Hash(await KeyAsync(cancellationToken).ConfigureAwait(false), email);
        foreach (var batch in eventIds.Chunk(100))
        {
            await _ready.Client.SubmitTransactionAsync(batch.Select(id => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, id), ETag.All)),
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every e-mail address in the payload's strings, lower-cased, once each.</summary>
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
                    foreach (Match match in Email().Matches(text))
                    {
                        found.Add(match.Value.ToLowerInvariant());
                    }
                    break;
            }
        }
        Walk(payload);
        return found;
    }

    private static string Hash(byte[] key, string email) =>
        Convert.ToHexString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant())));

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
        var stored = (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
        return _key = _protector.Unprotect(stored.ToArray());
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial Regex Email();
}
