namespace Softr.Functions.Storage;

/// <summary>
/// Table storage takes at most 64 KiB per property (32 K UTF-16 characters) and 1 MiB per entity, and
/// answers more with <c>PropertyValueTooLarge</c> or <c>EntityTooLarge</c>, which no retry fixes. Texts we
/// write (details, causes, errors that may quote a sender's or Softr's long value) are cut to a length
/// that leaves room for the rest of the row.
/// </summary>
public static class StorageLimits
{
    /// <summary>The longest detail or error text written to a row: enough to read, far under the property limit.</summary>
    public const int MaxDetailChars = 4_000;

    /// <summary>The most a serialised set of step outputs may hold (a property is at most 32 K characters).</summary>
    public const int MaxOutputsChars = 30_000;

    /// <summary>Table storage's error codes for a property, an entity or a batch that is too large.</summary>
    public static bool IsTooLarge(string? errorCode) => errorCode is "PropertyValueTooLarge" or "EntityTooLarge" or "RequestBodyTooLarge";

    /// <summary><paramref name="text"/>, cut to <paramref name="max"/> characters with a note of how much was cut.</summary>
    public static string? Cut(string? text, int max = MaxDetailChars)
    {
        if (text is null || text.Length <= max)
        {
            return text;
        }
        var note = $"... ({text.Length - max} characters cut)";
        var keep = max - note.Length;
        // Never cut between the two halves of a surrogate pair: the rest would not be valid UTF-16.
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }
        return string.Concat(text.AsSpan(0, Math.Max(keep, 0)), note);
    }
}
