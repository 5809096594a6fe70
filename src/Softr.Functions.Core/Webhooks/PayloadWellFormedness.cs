using System.Text.Json;
using System.Text.Unicode;

namespace Softr.Functions.Webhooks;

/// <summary>
/// Checks, at the door, what a JSON parser lets through but nothing after it can handle: bytes that are
/// not UTF-8, and escapes that decode to half a surrogate pair (<c>"\ud800"</c>). Both parse, and both
/// fail later, when the value is read or the envelope is written, after the sender was told "accepted"
/// or the event was queued. Every string and property name is decoded once here, so every one of
/// them can be re-serialised.
/// </summary>
public static class PayloadWellFormedness
{
    /// <summary>Null when <paramref name="body"/> is well-formed UTF-8, else where it is not.</summary>
    public static string? CheckUtf8(ReadOnlySpan<byte> body)
    {
        if (Utf8.IsValid(body))
        {
            return null;
        }
        var at = FirstInvalidByte(body);
        return $"the body is not well-formed UTF-8 (byte {at}).";
    }

    /// <summary>
    /// Whether <paramref name="json"/> holds a <c>\uD8..</c>-<c>\uDF..</c> escape: the only way a
    /// well-formed UTF-8 body can carry half a surrogate pair. Without one, the walk below is not needed
    /// (it is over-cautious: an escaped backslash followed by "ud800" also counts).
    /// </summary>
    public static bool MayHoldSurrogateEscape(ReadOnlySpan<byte> json)
    {
        var at = 0;
        while (json[at..].IndexOf("\\u"u8) is var found and >= 0)
        {
            var start = at + found + 2;
            if (start + 1 < json.Length && json[start] is (byte)'d' or (byte)'D' && json[start + 1] is (byte)'8' or (byte)'9' or (byte)'a' or (byte)'b' or (byte)'A' or (byte)'B'
                or (byte)'c' or (byte)'C' or (byte)'d' or (byte)'D' or (byte)'e' or (byte)'E' or (byte)'f' or (byte)'F')
            {
                return true;
            }
            at = start;
        }
        return false;
    }

    /// <summary>Null when every string and property name in <paramref name="payload"/> decodes, else the JSON pointer of the first that does not.</summary>
    public static string? CheckStrings(JsonElement payload) => Walk(payload, "");

    private static string? Walk(JsonElement element, string pointer)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Decodes(element) ? null : $"the string at '{(pointer.Length == 0 ? "/" : pointer)}' is not valid Unicode (a lone surrogate escape such as \\ud800).";
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return $"a property name under '{(pointer.Length == 0 ? "/" : pointer)}' is not valid Unicode (a lone surrogate escape such as \\ud800).";
                    }
                    if (Walk(property.Value, pointer + "/" + Escape(name)) is { } problem)
                    {
                        return problem;
                    }
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Walk(item, pointer + "/" + index++) is { } problem)
                    {
                        return problem;
                    }
                }
                return null;
            default:
                return null;
        }
    }

    private static bool Decodes(JsonElement element)
    {
        try
        {
            _ = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>RFC 6901: '~' is '~0' and '/' is '~1' in a pointer's segment.</summary>
    public static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static int FirstInvalidByte(ReadOnlySpan<byte> body)
    {
        // Only for bodies already found invalid: decode until the decoder stops at the bad byte.
        var chars = new char[body.Length];
        Utf8.ToUtf16(body, chars, out var bytesRead, out _, replaceInvalidSequences: false);
        return bytesRead;
    }
}
