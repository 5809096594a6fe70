using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Softr.Functions.Tests.Simulation;

/// <summary>The simulated account's blob containers (Azure's client types: the payload store, the person index's key, the sweep).</summary>
internal sealed class SimBlobs(SimStorage storage, SimClock clock) : BlobServiceClient
{
    private readonly Dictionary<string, SimContainer> _containers = new(StringComparer.Ordinal);

    public override BlobContainerClient GetBlobContainerClient(string blobContainerName)
    {
        if (!_containers.TryGetValue(blobContainerName, out var container))
        {
            _containers[blobContainerName] = container = new SimContainer(blobContainerName, storage, clock);
        }
        return container;
    }

    /// <summary>The names of a container's blobs (for the checks; no yield, no fault).</summary>
    public IReadOnlyList<string> Names(string container) => _containers.TryGetValue(container, out var found) ? [.. found.Blobs.Keys] : [];
}

/// <summary>One container; blobs keep their content, ETag and last change.</summary>
internal sealed class SimContainer(string name, SimStorage storage, SimClock clock) : BlobContainerClient
{
    private long _etags;

    internal sealed record Stored(BinaryData Content, ETag ETag, DateTimeOffset LastModified);

    public SortedDictionary<string, Stored> Blobs { get; } = new(StringComparer.Ordinal);

    public bool Created { get; private set; }

    public override string Name => name;

    public override BlobClient GetBlobClient(string blobName) => new SimBlob(this, blobName, storage);

    public override async Task<Response<BlobContainerInfo>> CreateIfNotExistsAsync(PublicAccessType publicAccessType = PublicAccessType.None,
        IDictionary<string, string>? metadata = null, BlobContainerEncryptionScopeOptions? encryptionScopeOptions = null, CancellationToken cancellationToken = default)
    {
        await storage.BeforeAsync(cancellationToken).ConfigureAwait(false);
        Created = true;
        return Response.FromValue(BlobsModelFactory.BlobContainerInfo(new ETag("c"), clock.Now), new SimResponse(201));
    }

    public override Task<Response<BlobContainerInfo>> CreateIfNotExistsAsync(PublicAccessType publicAccessType, IDictionary<string, string>? metadata,
        CancellationToken cancellationToken) => CreateIfNotExistsAsync(publicAccessType, metadata, null, cancellationToken);

    public override async Task<Response<bool>> ExistsAsync(CancellationToken cancellationToken = default)
    {
        await storage.BeforeAsync(cancellationToken).ConfigureAwait(false);
        return Response.FromValue(Created, new SimResponse(200));
    }

    public override AsyncPageable<BlobItem> GetBlobsAsync(BlobTraits traits = BlobTraits.None, BlobStates states = BlobStates.None, string? prefix = null,
        CancellationToken cancellationToken = default) => GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken);

    public override AsyncPageable<BlobItem> GetBlobsAsync(GetBlobsOptions? options, CancellationToken cancellationToken = default) =>
        new SimPageable<BlobItem>(async token =>
        {
            await storage.BeforeAsync(token).ConfigureAwait(false);
            return [.. Blobs.Where(blob => options?.Prefix is not { } prefix || blob.Key.StartsWith(prefix, StringComparison.Ordinal))
                .Select(blob => BlobsModelFactory.BlobItem(blob.Key, false, BlobsModelFactory.BlobItemProperties(false, lastModified: blob.Value.LastModified, eTag: blob.Value.ETag)))];
        }, cancellationToken);

    public override async Task<Response<bool>> DeleteBlobIfExistsAsync(string blobName, DeleteSnapshotsOption snapshotsOption = DeleteSnapshotsOption.None,
        BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        await storage.BeforeAsync(cancellationToken).ConfigureAwait(false);
        if (!Created)
        {
            throw new RequestFailedException(404, "The specified container does not exist (simulated).", "ContainerNotFound", null);
        }
        var removed = Blobs.Remove(blobName);
        storage.AfterWrite();
        return Response.FromValue(removed, new SimResponse(removed ? 202 : 404));
    }

    internal Stored Write(string blob, BinaryData content, BlobRequestConditions? conditions)
    {
        if (!Created)
        {
            throw new RequestFailedException(404, "The specified container does not exist (simulated).", "ContainerNotFound", null);
        }
        var exists = Blobs.TryGetValue(blob, out var current);
        if (conditions?.IfNoneMatch == ETag.All && exists)
        {
            throw new RequestFailedException(409, "The specified blob already exists (simulated).", "BlobAlreadyExists", null);
        }
        if (conditions?.IfMatch is { } match && (!exists || match != ETag.All && match != current!.ETag))
        {
            throw new RequestFailedException(exists ? 412 : 404, "The condition specified was not met (simulated).", exists ? "ConditionNotMet" : "BlobNotFound", null);
        }
        return Blobs[blob] = new Stored(content, new ETag($"\"blob{++_etags}\""), clock.Now);
    }
}

/// <summary>One blob of a simulated container.</summary>
internal sealed class SimBlob(SimContainer container, string name, SimStorage storage) : BlobClient
{
    public override string Name => name;

    public override string BlobContainerName => container.Name;

    public override Task<Response<BlobContentInfo>> UploadAsync(BinaryData content, bool overwrite, CancellationToken cancellationToken) =>
        UploadAsync(content, new BlobUploadOptions { Conditions = overwrite ? null : new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);

    public override async Task<Response<BlobContentInfo>> UploadAsync(BinaryData content, BlobUploadOptions options, CancellationToken cancellationToken = default)
    {
        await storage.BeforeAsync(cancellationToken).ConfigureAwait(false);
        var stored = container.Write(name, content, options?.Conditions);
        storage.AfterWrite();
        return Response.FromValue(BlobsModelFactory.BlobContentInfo(stored.ETag, stored.LastModified, null, null, null, null, 0), new SimResponse(201));
    }

    public override async Task<Response<BlobDownloadResult>> DownloadContentAsync(CancellationToken cancellationToken = default)
    {
        await storage.BeforeAsync(cancellationToken).ConfigureAwait(false);
        if (!container.Blobs.TryGetValue(name, out var stored))
        {
            throw new RequestFailedException(404, "The specified blob does not exist (simulated).", "BlobNotFound", null);
        }
        var details = BlobsModelFactory.BlobDownloadDetails(lastModified: stored.LastModified, eTag: stored.ETag);
        return Response.FromValue(BlobsModelFactory.BlobDownloadResult(stored.Content, details), new SimResponse(200));
    }

    public override async Task<Response<BlobInfo>> SetMetadataAsync(IDictionary<string, string> metadata, BlobRequestConditions? conditions = null,
        CancellationToken cancellationToken = default)
    {
        await storage.BeforeAsync(cancellationToken).ConfigureAwait(false);
        if (!container.Blobs.TryGetValue(name, out var stored))
        {
            throw new RequestFailedException(404, "The specified blob does not exist (simulated).", "BlobNotFound", null);
        }
        var touched = container.Write(name, stored.Content, null);
        storage.AfterWrite();
        return Response.FromValue(BlobsModelFactory.BlobInfo(touched.ETag, touched.LastModified), new SimResponse(200));
    }
}
