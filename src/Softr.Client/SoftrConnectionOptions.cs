namespace Softr;

/// <summary>
/// One named Softr connection as configured, under <c>Softr:Connections:{name}</c> (app settings
/// <c>Softr__Connections__{name}__ApiKey</c>, ...). What it leaves unset comes from the <c>Softr</c> section,
/// except the key and the domain, which are the connection's own: a connection never borrows another's credentials.
/// Resolved into a <see cref="SoftrConnection"/> by <see cref="SoftrConnections"/>.
/// </summary>
public sealed class SoftrConnectionOptions
{
    /// <summary>The personal access token of the Softr workspace that owns the app. Never logged.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>The published app's domain, for the Users API; a connection that only reaches databases may leave it empty.</summary>
    public string Domain { get; set; } = "";

    /// <summary>Unset: the <c>Softr</c> section's.</summary>
    public Uri? UsersApiBaseUrl { get; set; }

    /// <summary>Unset: the <c>Softr</c> section's.</summary>
    public Uri? DatabaseApiBaseUrl { get; set; }

    /// <summary>The token's read limit; unset: the <c>Softr</c> section's. Connections that share a token must agree.</summary>
    public int? ReadsPerSecond { get; set; }

    /// <summary>The token's write limit; unset: the <c>Softr</c> section's. Connections that share a token must agree.</summary>
    public int? WritesPerSecond { get; set; }
}
