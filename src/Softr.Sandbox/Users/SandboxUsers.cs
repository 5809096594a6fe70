using System.Collections.Concurrent;

namespace Softr.Sandbox.Users;

/// <summary>The users of the one emulated Softr app, keyed case-insensitively by email as Softr does.</summary>
public sealed class SandboxUsers(TimeProvider? timeProvider = null)
{
    private readonly ConcurrentDictionary<string, SandboxUser> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>Adds the user unless the email is taken; atomic, so concurrent creates make one user.</summary>
    public bool TryAdd(string fullName, string email, bool withMagicLink, out SandboxUser user)
    {
        var now = _time.GetUtcNow();
        var candidate = new SandboxUser(
            fullName,
            email,
            "Active",
            withMagicLink ? $"https://sandbox.softr.local/magic-link/{Guid.NewGuid():N}" : null,
            now,
            now);
        user = _users.GetOrAdd(email, candidate);
        return ReferenceEquals(user, candidate);
    }

    public SandboxUser? Find(string email) => _users.GetValueOrDefault(email);

    public IReadOnlyList<SandboxUser> All() => [.. _users.Values.OrderBy(user => user.Created)];

    public void Clear() => _users.Clear();
}
