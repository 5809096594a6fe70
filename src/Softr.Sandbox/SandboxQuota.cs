using System.Text.Json.Serialization;

namespace Softr.Sandbox;

/// <summary>
/// The plan's caps Softr enforces (records in the app's databases, users in the app): past one, a create
/// is refused with 402 <c>QUOTA_EXCEEDED</c>, and retrying cannot help until the plan changes. Off (null)
/// unless set: <c>Sandbox:MaxRecords</c>, <c>Sandbox:MaxUsers</c>, or at run time with <c>PUT /sandbox/quota</c>.
/// </summary>
public sealed record SandboxQuota
{
    [JsonPropertyName("maxRecords")]
    public int? MaxRecords { get; init; }

    [JsonPropertyName("maxUsers")]
    public int? MaxUsers { get; init; }
}
