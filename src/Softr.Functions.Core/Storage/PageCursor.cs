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
