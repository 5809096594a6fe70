using System.Text.Json;
using System.Text.Json.Serialization;

namespace Softr;

/// <summary>
/// Both Softr hosts' error shapes in one: the Users API answers <c>{code, message}</c>, the Database
/// API <c>{errorCode, message, details}</c>.
/// </summary>
internal sealed record SoftrErrorBody(
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("errorCode")] string? ErrorCode,
    [property: JsonPropertyName("message")] string? Message)
{
    [JsonPropertyName("details")]
    public JsonElement? Details { get; init; }

    public string? AnyCode => Code ?? ErrorCode;
}
