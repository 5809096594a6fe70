using System.Security.Cryptography;
using System.Text;

namespace Softr.Functions.Events;

/// <summary>Event ids, derived rather than drawn, so that the id is itself the dedupe key.</summary>
public static class EventIds
{
    /// <summary>
    /// The id of the event a delivery carries: a hash of the hook and the sender's event id (or of the
    /// body, for senders without one). Every redelivery, and every retry after a failure or a crash,
    /// gets the same id, so processing can make its steps idempotent on it. 128 bits of SHA-256: no
    /// collision in any realistic number of events, and short enough for a URL.
    /// </summary>
    public static string ForDelivery(string hook, string dedupeKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(hook);
        ArgumentException.ThrowIfNullOrEmpty(dedupeKey);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(hook + "\n" + dedupeKey), hash);
        return "evt_" + Convert.ToHexStringLower(hash[..16]);
    }
}
