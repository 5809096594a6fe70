using Azure;
using Azure.Storage.Blobs;
using Softr.Functions.Storage;

namespace Softr.Functions.Events;

/// <summary>Payloads in the <see cref="ContainerNames.Payloads"/> container, one blob per event, named by event id.</summary>
public sealed class BlobPayloadStore(BlobServiceClient blobs) : IPayloadStore
{
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(ContainerNames.Payloads);
    private volatile bool _containerReady;

    public async Task<string> PutAsync(string eventId, BinaryData payload, CancellationToken cancellationToken = default)
    {
        if (!_containerReady)
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            _containerReady = true;
        }
        var name = NameOf(eventId);
        // Overwrite: a retried enqueue of the same event writes the same bytes.
        await _container.GetBlobClient(name).UploadAsync(payload, overwrite: true, cancellationToken).ConfigureAwait(false);
        return name;
    }

    /// <summary>The blob an event's payload is put in: its reference.</summary>
    public static string NameOf(string eventId) => $"{eventId}.json";

    public async Task<BinaryData> GetAsync(string reference, CancellationToken cancellationToken = default)
    {
        var content = await _container.GetBlobClient(reference).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
        return content.Value.Content;
    }

    public async Task TouchAsync(string reference, CancellationToken cancellationToken = default)
    {
        try
        {
            // Setting metadata changes the blob's last-modified time, and nothing else of it.
            await _container.GetBlobClient(reference).SetMetadataAsync(new Dictionary<string, string> { ["deadlettered"] = "true" }, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
        catch (RequestFailedException gone) when (gone.Status == 404)
        {
            // Nothing to keep.
        }
    }

    public async Task DeleteAsync(string reference, CancellationToken cancellationToken = default)
    {
        try
        {
            await _container.DeleteBlobIfExistsAsync(reference, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException gone) when (gone.Status == 404)
        {
            // The container itself is gone: so is the blob.
        }
    }
}
