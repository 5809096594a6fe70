using System.Xml.Linq;
using Azure;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Softr.Functions.Privacy;

/// <summary>
/// The Data Protection key ring in the app's own blob storage, one blob per key, so that every
/// instance (and every restart) decrypts what another encrypted. Data Protection reads the ring rarely
/// (at start and when a key nears expiry) and writes only to add a key. Azure's own
/// <c>Azure.Extensions.AspNetCore.DataProtection.Blobs</c> does the same with one blob for the ring;
/// it is not on this project's package feed.
/// </summary>
public sealed class BlobXmlRepository(BlobContainerClient container) : IXmlRepository
{
    private volatile bool _ready;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        // Data Protection's repository interface is synchronous; it is called rarely and off the hot path.
        EnsureContainer();
        var elements = new List<XElement>();
        // Keys only: the container holds the person index's key as well.
        foreach (var blob in container.GetBlobs().Where(blob => blob.Name.EndsWith(".xml", StringComparison.Ordinal)))
        {
            using var stream = container.GetBlobClient(blob.Name).OpenRead();
            elements.Add(XElement.Load(stream));
        }
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        EnsureContainer();
        using var stream = new MemoryStream();
        element.Save(stream, SaveOptions.DisableFormatting);
        stream.Position = 0;
        // A new name per key: two instances adding keys at once both keep theirs.
        container.GetBlobClient($"{friendlyName}-{Guid.NewGuid():N}.xml").Upload(stream, overwrite: false);
    }

    private void EnsureContainer()
    {
        if (!_ready)
        {
            try
            {
                container.CreateIfNotExists();
            }
            catch (RequestFailedException exists) when (exists.Status == 409)
            {
                // Created by another instance meanwhile.
            }
            _ready = true;
        }
    }
}
