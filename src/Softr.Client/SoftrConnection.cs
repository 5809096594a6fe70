using System.Security.Cryptography;
using System.Text;

namespace Softr;

/// <summary>
/// One Softr app reached with one token, resolved from configuration (<see cref="SoftrConnections"/>): its key, its
/// domain, where its APIs live and its token's limits. Automations name the connection they write to; the budget is
/// the token's (<see cref="TokenFingerprint"/>), so connections that share a token share its limits, as Softr counts them.
/// <see cref="ToString"/> is the name alone: the key must never reach a log line by way of a formatted connection.
/// </summary>
public sealed class SoftrConnection
{
    /// <summary>The connection the <c>Softr</c> section's own key and domain make, and the one automations use unless they name another.</summary>
    public const string DefaultName = "default";

    /// <summary>Put on each request the clients send, so that the budget and telemetry know whose call it is.</summary>
    public static readonly HttpRequestOptionsKey<SoftrConnection> RequestOption = new("softr.connection");

    private string? _fingerprint;

    /// <summary>How automations, health and the console name it.</summary>
    public required string Name { get; init; }

    /// <summary>The token; never logged, never formatted.</summary>
    public required string ApiKey { get; init; }

    /// <summary>The app's domain, normalised (no scheme, no path); empty when the connection reaches only databases.</summary>
    public required string Domain { get; init; }

    /// <summary>Where its Users API lives.</summary>
    public required Uri UsersApiBaseUrl { get; init; }

    /// <summary>Where its Database API lives.</summary>
    public required Uri DatabaseApiBaseUrl { get; init; }

    /// <summary>Its token's read limit.</summary>
    public required int ReadsPerSecond { get; init; }

    /// <summary>Its token's write limit.</summary>
    public required int WritesPerSecond { get; init; }

    /// <summary>The configuration key its token is read from, for messages (never the value): <c>Softr:ApiKey</c> or <c>Softr:Connections:{name}:ApiKey</c>.</summary>
    public required string ApiKeySetting { get; init; }

    /// <summary>The configuration key of its domain, for messages.</summary>
    public required string DomainSetting { get; init; }

    /// <summary>Names the token's budget without holding the token: a hash of it, shared by every connection that uses the token.</summary>
    public string TokenFingerprint => _fingerprint ??= FingerprintOf(ApiKey);

    /// <summary>Whether it can reach the Users API, which names the app by its domain.</summary>
    public bool HasDomain => Domain.Length > 0;

    /// <summary>A short hash of a token: enough to tell tokens apart in a budget's key, useless for calling Softr.</summary>
    public static string FingerprintOf(string token) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token ?? "")), 0, 8);

    /// <summary>The name, never the key.</summary>
    public override string ToString() => Name;
}
