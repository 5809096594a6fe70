using System.Buffers.Text;
using System.Text;

namespace Softr.Functions.Storage;

/// <summary>
/// A listing's <c>next</c>: the last row key of a page, opaque to the caller (base64url), so that the
/// next page is a key range and costs the same however deep (dead letters, the events list).
/// </summary>
public static class PageCursor
{
    public static string From(string rowKey) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(rowKey));

    /// <summary>
    /// At most <paramref name="limit"/> items read from <paramref name="rows"/> (a query asked for one more
    /// than that per response page), and the cursor after the last one when more rows follow; null after the last.
    /// </summary>
    public static async Task<(List<T> Items, string? Next)> ReadAsync<T>(IAsyncEnumerable<Azure.Data.Tables.TableEntity> rows, int limit,
        Func<Azure.Data.Tables.TableEntity, T> read)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(read);
        var items = new List<T>(Math.Min(limit, 1000));
        string? lastKey = null;
        // The service filters, so a response page may hold fewer rows than asked: the loop reads on.
        await foreach (var row in rows.ConfigureAwait(false))
        {
            if (items.Count == limit)
            {
                return (items, From(lastKey!));
            }
            items.Add(read(row));
            lastKey = row.RowKey;
        }
        return (items, null);
    }

    /// <exception cref="ArgumentException">Not a cursor a listing gave (parameter name <c>cursor</c>).</exception>
    public static string ToRowKey(string cursor, string requiredPrefix = "")
    {
        try
        {
            var key = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return key.StartsWith(requiredPrefix, StringComparison.Ordinal) ? key : throw new FormatException("not a cursor of this listing");
        }
        catch (FormatException bad)
        {
            throw new ArgumentException("'next' is not a cursor this listing gave.", nameof(cursor), bad);
        }
    }
}
