using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace Softr;

/// <summary>
/// The Softr connections this deployment has: <c>default</c>, made from the <c>Softr</c> section's own settings (so a
/// configuration written for one app keeps working unchanged), and one per <c>Softr:Connections:{name}</c>. A named
/// connection takes what it leaves unset (base URLs, limits) from the <c>Softr</c> section, but never its key or its
/// domain. <c>Softr:Connections:default</c>, when present, overrides the section's settings it sets.
/// Read from the options as they are now, so that a reloaded configuration is seen.
/// </summary>
public sealed class SoftrConnections(IOptionsMonitor<SoftrClientOptions> options)
{
    private static readonly ConditionalWeakTable<SoftrClientOptions, IReadOnlyDictionary<string, SoftrConnection>> Resolved = new();

    /// <summary>The connections of options that do not change, for code that builds its clients without dependency injection.</summary>
    public SoftrConnections(SoftrClientOptions options)
        : this(new Fixed(options ?? throw new ArgumentNullException(nameof(options))))
    {
    }

    /// <summary>Every connection, <c>default</c> first, then by name.</summary>
    public IReadOnlyList<SoftrConnection> All => [.. ByName.Values.OrderBy(connection => connection.Name == SoftrConnection.DefaultName ? 0 : 1)
        .ThenBy(connection => connection.Name, StringComparer.OrdinalIgnoreCase)];

    /// <summary>The connection automations use unless they name another.</summary>
    public SoftrConnection Default => ByName[SoftrConnection.DefaultName];

    /// <summary>The connection named <paramref name="name"/> (case-insensitive); null or empty names the default.</summary>
    public bool TryGet(string? name, out SoftrConnection connection) =>
        ByName.TryGetValue(string.IsNullOrEmpty(name) ? SoftrConnection.DefaultName : name, out connection!);

    /// <exception cref="KeyNotFoundException">No connection has that name (start-up validation refuses automations that name one).</exception>
    public SoftrConnection Get(string? name) => TryGet(name, out var connection)
        ? connection
        : throw new KeyNotFoundException($"No Softr connection is named '{name}'; defined: {string.Join(", ", ByName.Keys)}.");

    private IReadOnlyDictionary<string, SoftrConnection> ByName => Resolved.GetValue(options.CurrentValue, Resolve);

    private sealed class Fixed(SoftrClientOptions value) : IOptionsMonitor<SoftrClientOptions>
    {
        public SoftrClientOptions CurrentValue => value;

        public SoftrClientOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<SoftrClientOptions, string?> listener) => null;
    }

    /// <summary>The connections <paramref name="settings"/> define, by name (case-insensitive).</summary>
    public static IReadOnlyDictionary<string, SoftrConnection> Resolve(SoftrClientOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var connections = new Dictionary<string, SoftrConnection>(StringComparer.OrdinalIgnoreCase);
        settings.Connections.TryGetValue(SoftrConnection.DefaultName, out var overridden);
        connections[SoftrConnection.DefaultName] = Make(settings, SoftrConnection.DefaultName, overridden, inheritsCredentials: true);
        foreach (var (name, connection) in settings.Connections.Where(entry => !string.Equals(entry.Key, SoftrConnection.DefaultName, StringComparison.OrdinalIgnoreCase)))
        {
            connections[name] = Make(settings, name, connection, inheritsCredentials: false);
        }
        return connections;
    }

    private static SoftrConnection Make(SoftrClientOptions settings, string name, SoftrConnectionOptions? own, bool inheritsCredentials)
    {
        const string Section = SoftrClientOptions.SectionName;
        var prefix = $"{Section}:{SoftrClientOptions.ConnectionsKey}:{name}:";
        var ownKey = !string.IsNullOrEmpty(own?.ApiKey);
        var ownDomain = !string.IsNullOrEmpty(own?.Domain);
        return new SoftrConnection
        {
            Name = name,
            ApiKey = ownKey ? own!.ApiKey : inheritsCredentials ? settings.ApiKey : "",
            Domain = SoftrDomain.Normalize(ownDomain ? own!.Domain : inheritsCredentials ? settings.Domain : ""),
            UsersApiBaseUrl = own?.UsersApiBaseUrl ?? settings.UsersApiBaseUrl,
            DatabaseApiBaseUrl = own?.DatabaseApiBaseUrl ?? settings.DatabaseApiBaseUrl,
            ReadsPerSecond = own?.ReadsPerSecond ?? settings.ReadsPerSecond,
            WritesPerSecond = own?.WritesPerSecond ?? settings.WritesPerSecond,
            ApiKeySetting = ownKey || !inheritsCredentials ? prefix + "ApiKey" : $"{Section}:ApiKey",
            DomainSetting = ownDomain || !inheritsCredentials ? prefix + "Domain" : $"{Section}:Domain",
        };
    }
}
