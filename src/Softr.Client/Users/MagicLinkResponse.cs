using System.Text.Json.Serialization;

namespace Softr.Users;

internal sealed record MagicLinkResponse([property: JsonPropertyName("magic_link")] string? MagicLink);
