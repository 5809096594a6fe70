using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Softr.Functions.Events;
using Softr.Functions.Webhooks.Senders;

namespace Softr.Functions.Webhooks;

/// <summary>
/// Turns a body into the JSON payload that travels on the queue. JSON is taken as it is. Forms
/// (<c>application/x-www-form-urlencoded</c>, and <c>multipart/form-data</c> as Jotform posts it) become
/// an object of their fields (a repeated field becomes an array); Jotform's <c>rawRequest</c> field, a
/// JSON string with the answers, is parsed in place. Forms are accepted only from senders that post
/// forms (<c>shared-secret</c>): the signed senders all send JSON.
/// </summary>
public static class WebhookBodyParser
{
    /// <summary>More fields than any real form has; a body with more is refused (400), not parsed.</summary>
    public const int MaxFormFields = 1000;

    /// <summary>The longest field name a form may use.</summary>
    public const int MaxFormKeyLength = 256;

    /// <summary>
    /// A delivery's payload as its sender may send it (a JSON object, an array where the sender
    /// batches, a form where it posts forms), or the problem to answer: 415 for a content type the
    /// sender does not use, 400 for a body that does not parse or is not an object.
    /// </summary>
    public static async Task<(JsonElement Payload, ProblemDetails? Problem)> ParsePayloadAsync(string hook, byte[] body, string? contentType,
        WebhookSender sender, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sender);
        var parse = await ParseAsync(body, contentType, sender.AcceptsForms, cancellationToken).ConfigureAwait(false);
        if (parse.IsUnsupported)
        {
            return (default, WebhookProblems.UnsupportedContentType(hook, contentType));
        }
        if (parse.Payload is not { } payload)
        {
            return (default, parse.IsForm ? WebhookProblems.InvalidForm(hook, parse.Error!) : WebhookProblems.InvalidJson(hook, parse.Error!));
        }
        if (PayloadWellFormedness.MayHoldSurrogateEscape(body) && PayloadWellFormedness.CheckStrings(payload) is { } notUnicode)
        {
            return (default, WebhookProblems.InvalidJson(hook, notUnicode));
        }
        if (payload.ValueKind != JsonValueKind.Object && !(sender.AcceptsArrays && payload.ValueKind == JsonValueKind.Array))
        {
            return (default, WebhookProblems.InvalidJson(hook, $"expected an object, got {payload.ValueKind}."));
        }
        return (payload, null);
    }

    public static async Task<BodyParse> ParseAsync(byte[] body, string? contentType, bool formsAllowed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        // Well-formed UTF-8 throughout, whatever the content type: a decoder would otherwise turn bad
        // bytes into U+FFFD, and that character would reach Softr in a name or an e-mail.
        if (PayloadWellFormedness.CheckUtf8(body) is { } notUtf8)
        {
            return BodyParse.Invalid(notUtf8);
        }
        // Senders that send no Content-Type at all still mostly send JSON.
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return ParseJson(body);
        }
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType) || mediaType.MediaType.Value is not { } type)
        {
            return BodyParse.Unsupported;
        }
        if (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
        {
            return ParseJson(body);
        }
        if (!formsAllowed)
        {
            return BodyParse.Unsupported;
        }
        if (type.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return await ParseUrlEncodedAsync(body, cancellationToken).ConfigureAwait(false);
        }
        if (type.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase) && HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is { Length: > 0 } boundary)
        {
            return await ParseMultipartAsync(body, boundary, cancellationToken).ConfigureAwait(false);
        }
        return BodyParse.Unsupported;
    }

    private static readonly JsonDocumentOptions JsonOptions = new() { AllowDuplicateProperties = false };

    private static BodyParse ParseJson(byte[] body)
    {
        try
        {
            // A key given twice is refused: which of the two values counts would depend on the reader, and
            // a signature vouches for the bytes, not for one reading of them (found by the property tests).
            using var document = JsonDocument.Parse(body, JsonOptions);
            return BodyParse.Parsed(document.RootElement.Clone());
        }
        catch (JsonException exception)
        {
            return BodyParse.Invalid(exception.Message);
        }
    }

    private static async Task<BodyParse> ParseUrlEncodedAsync(byte[] body, CancellationToken cancellationToken)
    {
        if (PercentDecodedUtf8Problem(body) is { } problem)
        {
            return BodyParse.InvalidForm(problem);
        }
        try
        {
            using var reader = new FormReader(new MemoryStream(body)) { ValueCountLimit = MaxFormFields, KeyLengthLimit = MaxFormKeyLength };
            return FromFields((await reader.ReadFormAsync(cancellationToken).ConfigureAwait(false)).Select(field => (field.Key, (IEnumerable<string?>)field.Value)));
        }
        catch (InvalidDataException exception)
        {
            // The reader's own limits: too many fields, or a name too long.
            return BodyParse.InvalidForm($"the form is over its limits ({MaxFormFields} fields, names of {MaxFormKeyLength} characters): {exception.Message}");
        }
    }

    /// <summary>
    /// A urlencoded body is ASCII, but its <c>%XX</c> escapes are bytes that must decode as UTF-8; the
    /// form reader would replace bad ones with U+FFFD without a word.
    /// </summary>
    private static string? PercentDecodedUtf8Problem(byte[] body) =>
        // Separators ('&', '=') are ASCII: a sequence that spans one is invalid, as it should be.
        System.Text.Unicode.Utf8.IsValid(System.Net.WebUtility.UrlDecodeToBytes(body, 0, body.Length)) ? null : "a form field's %-escapes do not decode to UTF-8.";

    private static async Task<BodyParse> ParseMultipartAsync(byte[] body, string boundary, CancellationToken cancellationToken)
    {
        var fields = new List<(string, IEnumerable<string?>)>();
        try
        {
            var reader = new MultipartReader(boundary, new MemoryStream(body));
            while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
            {
                if (fields.Count >= MaxFormFields)
                {
                    return BodyParse.InvalidForm($"more than {MaxFormFields} form fields.");
                }
                if (section.AsFormDataSection() is { } field)
                {
                    fields.Add((field.Name, [await field.GetValueAsync(cancellationToken).ConfigureAwait(false)]));
                }
            }
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException)
        {
            return BodyParse.InvalidForm($"the multipart body is malformed: {exception.Message}");
        }
        return FromFields(fields);
    }

    private static BodyParse FromFields(IEnumerable<(string Name, IEnumerable<string?> Values)> fields)
    {
        var payload = new JsonObject();
        foreach (var (name, values) in fields)
        {
            var list = values.ToList();
            payload[name] = name == "rawRequest" && list.Count == 1 && TryParseObject(list[0]) is { } answers
                ? answers
                : list.Count == 1 ? JsonValue.Create(list[0]) : new JsonArray([.. list.Select(value => (JsonNode?)JsonValue.Create(value))]);
        }
        try
        {
            return BodyParse.Parsed(JsonSerializer.SerializeToElement(payload, EventsJsonContext.Default.JsonObject));
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or ArgumentException)
        {
            // A rawRequest whose JSON cannot be written back (a lone surrogate escape, say).
            return BodyParse.InvalidForm("a field's JSON cannot be read: " + exception.Message);
        }
    }

    private static JsonObject? TryParseObject(string? text)
    {
        try
        {
            // Parsed whole (not lazily), with duplicate keys refused as in a JSON body.
            if (text is null)
            {
                return null;
            }
            using var document = JsonDocument.Parse(text, JsonOptions);
            return document.RootElement.ValueKind == JsonValueKind.Object ? JsonObject.Create(document.RootElement.Clone()) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>What became of a body: a payload, a body that is not what it claims to be, or a content type not accepted here.</summary>
public sealed record BodyParse(JsonElement? Payload, string? Error, bool IsUnsupported, bool IsForm = false)
{
    public static BodyParse Unsupported { get; } = new(null, null, true);

    public static BodyParse Parsed(JsonElement payload) => new(payload, null, false);

    public static BodyParse Invalid(string error) => new(null, error, false);

    public static BodyParse InvalidForm(string error) => new(null, error, false, IsForm: true);
}
