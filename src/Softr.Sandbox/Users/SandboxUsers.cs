using System.Collections.Concurrent;

namespace Softr.Sandbox.Users;

/// <summary>The users of one emulated Softr app (its <paramref name="domain"/>), keyed case-insensitively by email as Softr does.</summary>
public sealed class SandboxUsers(string domain, TimeProvider timeProvider)
{
    /// <summary>The app's domain, which each of its users carries for inspection.</summary>
    public string Domain => domain;

    private readonly ConcurrentDictionary<string, SandboxUser> _users = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Adds the user unless the email is taken; atomic, so concurrent creates make one user.</summary>
    public bool TryAdd(string fullName, string email, bool withMagicLink, out SandboxUser user)
    {
        var now = timeProvider.GetUtcNow();
        var candidate = new SandboxUser(fullName, email, SandboxUser.Active, withMagicLink ? NewMagicLink() : null, now, now)
        {
            MagicLinks = withMagicLink ? 1 : 0,
            App = domain,
        };
        user = _users.GetOrAdd(email, candidate);
        return ReferenceEquals(user, candidate);
    }

    public void Seed(SandboxUser user) => _users[user.Email] = user with { App = domain };

    public SandboxUser? Find(string email) => _users.GetValueOrDefault(email);

    public bool Remove(string email) => _users.TryRemove(email, out _);

    /// <summary>Applies <paramref name="change"/> atomically; null when there is no such user.</summary>
    public SandboxUser? Update(string email, Func<SandboxUser, SandboxUser> change)
    {
        while (_users.TryGetValue(email, out var current))
        {
            var changed = change(current) with { Updated = timeProvider.GetUtcNow() };
            if (_users.TryUpdate(email, changed, current))
            {
                return changed;
            }
        }
        return null;
    }

    public IReadOnlyList<SandboxUser> All() => [.. _users.Values.OrderBy(user => user.Created).ThenBy(user => user.Email, StringComparer.Ordinal)];

    public void Clear() => _users.Clear();

    public static string NewMagicLink() => $"https://sandbox.softr.local/magic-link/{Guid.NewGuid():N}";
}
