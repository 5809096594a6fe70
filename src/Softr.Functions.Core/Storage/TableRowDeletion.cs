using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;

namespace Softr.Functions.Storage;

/// <summary>
/// Deletes rows in entity group transactions (one partition, at most 100 actions each). Flows that delete
/// the same rows may race (a retention sweep and an erasure over one event; two instances sweeping the
/// same old activity day): a row another flow deleted first is already gone, which is what both wanted,
/// so it is not a failure. Table storage fails a whole transaction for one missing row (404), so that
/// transaction's rows are then deleted one at a time, each allowed to be gone.
/// </summary>
public static class TableRowDeletion
{
    /// <summary>The most actions Table storage takes in one transaction.</summary>
    public const int MaxTransaction = 100;

    /// <summary>Deletes <paramref name="rows"/> whatever their ETag; rows already gone are skipped.</summary>
    public static async Task DeleteAsync(TableClient table, IEnumerable<ITableEntity> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var batch in rows.GroupBy(row => row.PartitionKey, StringComparer.Ordinal).SelectMany(partition => partition.Chunk(MaxTransaction)))
        {
            try
            {
                await table.SubmitTransactionAsync(batch.Select(row => new TableTransactionAction(TableTransactionActionType.Delete, row, ETag.All)), cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (RequestFailedException gone) when (IsRowGone(gone))
            {
                foreach (var row in batch)
                {
                    await DeleteIfThereAsync(table, row, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Deletes every row of <paramref name="partition"/> but <paramref name="keep"/> (when given); rows already gone are skipped.</summary>
    public static async Task DeletePartitionAsync(TableClient table, string partition, string? keep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(entity => entity.PartitionKey == partition, select: ["PartitionKey", "RowKey"],
            cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (!string.Equals(row.RowKey, keep, StringComparison.Ordinal))
            {
                rows.Add(row);
            }
        }
        await DeleteAsync(table, rows, cancellationToken).ConfigureAwait(false);
    }

    private static async Task DeleteIfThereAsync(TableClient table, ITableEntity row, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException gone) when (IsRowGone(gone))
        {
            // Deleted meanwhile by another flow.
        }
    }

    /// <summary>A 404 for a row, not for the table: a table that is not there is a fault to report, not work done.</summary>
    private static bool IsRowGone(RequestFailedException failed) => failed.Status == 404 && failed.ErrorCode != TableErrorCode.TableNotFound.ToString();
}
