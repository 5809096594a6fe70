using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Softr.Sandbox.Database;
using Softr.Sandbox.Users;

namespace Softr.Sandbox;

/// <summary>
/// The apps the sandbox emulates, and what belongs to each the way Softr keeps it: users belong to an app's domain,
/// databases to the token (the workspace) that reaches them. A request is served from the users of the domain it names
/// and the databases of the token it sends; <see cref="Authenticates"/> decides whether that pair is allowed.
/// </summary>
public sealed class SandboxApps(IOptions<SandboxOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, SandboxUsers> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, SandboxDatabases> _databases = new(StringComparer.Ordinal);

    /// <summary>Every app: <c>default</c> first, then by name.</summary>
    public IReadOnlyList<EmulatedApp> All { get; } = Read(options.Value);

    public EmulatedApp Default => All[0];

    /// <summary>The users of the app at <paramref name="domain"/> (an unknown domain has none, and is refused before it gets here).</summary>
    public SandboxUsers UsersOf(string domain) => _users.GetOrAdd(domain.Trim(), static (key, clock) => new SandboxUsers(key, clock), time);

    /// <summary>The databases <paramref name="token"/> reaches.</summary>
    public SandboxDatabases DatabasesOf(string token) => _databases.GetOrAdd(token, static _ => new SandboxDatabases());

    /// <summary>
    /// Whether <paramref name="token"/> is some app's token and, for the Users API (<paramref name="domain"/> not null), that
    /// app's own domain: Softr answers a token used against another app's domain as it answers a wrong token, 401.
    /// Every app's key is compared, in constant time, whichever matches.
    /// </summary>
    public bool Authenticates(string token, string? domain)
    {
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        var accepted = false;
        foreach (var app in All.Where(app => app.ApiKey.Length > 0))
        {
            var keyMatches = CryptographicOperations.FixedTimeEquals(presented, SHA256.HashData(Encoding.UTF8.GetBytes(app.ApiKey)));
            accepted |= keyMatches && (domain is null || string.Equals(domain.Trim(), app.Domain, StringComparison.OrdinalIgnoreCase));
        }
        return accepted;
    }

    /// <exception cref="InvalidOperationException">Another app without a key or a domain: it would let requests without them through.</exception>
    private static List<EmulatedApp> Read(SandboxOptions settings)
    {
        var empty = settings.Apps.Where(entry => string.IsNullOrWhiteSpace(entry.Value.ApiKey) || string.IsNullOrWhiteSpace(entry.Value.Domain)).Select(entry => entry.Key).ToList();
        return empty.Count > 0
            ? throw new InvalidOperationException($"Sandbox:Apps: {string.Join(", ", empty)} need an ApiKey and a Domain each.")
            : Apps(settings);
    }

    private static List<EmulatedApp> Apps(SandboxOptions settings) =>
    [
        new EmulatedApp(EmulatedApp.DefaultName, settings.ApiKey, settings.Domain, settings.SeedFile),
        .. settings.Apps.Where(entry => !string.Equals(entry.Key, EmulatedApp.DefaultName, StringComparison.OrdinalIgnoreCase))
            .OrderBy(entry => entry.Key, StringComparer.OrdinalIgnoreCase)
            .Select(entry => new EmulatedApp(entry.Key, entry.Value.ApiKey, entry.Value.Domain, entry.Value.SeedFile ?? settings.SeedFile)),
    ];
}
