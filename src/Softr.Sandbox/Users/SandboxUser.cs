using System.Text.Json.Serialization;

namespace Softr.Sandbox.Users;

/// <summary>A user as the sandbox stores it and as the Users API returns it.</summary>
public sealed record SandboxUser(
    [property: JsonPropertyName("full_name")] string FullName,
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("magic_link")] string? MagicLink,
    [property: JsonPropertyName("created")] DateTimeOffset Created,
    [property: JsonPropertyName("updated")] DateTimeOffset Updated)
{
    public const string Active = "Active";
    public const string Inactive = "Inactive";
    public const string Invited = "Invited";

    /// <summary>Invitation emails sent to this user (not part of Softr's answer).</summary>
    [JsonPropertyName("invitations")]
    public int Invitations { get; init; }

    /// <summary>Magic links generated for this user (not part of Softr's answer).</summary>
    [JsonPropertyName("magicLinks")]
    public int MagicLinks { get; init; }

    /// <summary>The domain of the app the user belongs to (not part of Softr's answer).</summary>
    [JsonPropertyName("app")]
    public string? App { get; init; }

    /// <summary>Syncs that named this user (not part of Softr's answer).</summary>
    [JsonPropertyName("syncs")]
    public int Syncs { get; init; }
}
