using System.Text.Json.Serialization;

namespace Softr.Users;

/// <summary>
/// Body of <c>POST /users/sync</c> when particular users are synced. Softr's shape is contested in the
/// wild (a bare array, this object, or no body); the client sends this object, or no body to sync everyone.
/// </summary>
internal sealed record SyncUsersRequest([property: JsonPropertyName("emails")] IReadOnlyList<string> Emails);
