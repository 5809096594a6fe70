using Azure.Data.Tables;

namespace Softr.Functions.Storage;

/// <summary>
/// A table created on first use, once per process, so that a fresh storage account (Azurite, a new
/// deployment) works without a provisioning step and the hot path pays for the check only once.
/// </summary>
public sealed class ReadyTable(TableServiceClient tables, string name)
{
    private readonly TableClient _table = tables.GetTableClient(name);
    private volatile bool _ready;

    public async ValueTask<TableClient> GetAsync(CancellationToken cancellationToken)
    {
        if (!_ready)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            _ready = true;
        }
        return _table;
    }

    /// <summary>The client without the check, for calls that only follow one that made it ready.</summary>
    public TableClient Client => _table;
}
