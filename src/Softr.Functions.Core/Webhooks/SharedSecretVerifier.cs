using System.Security.Cryptography;
using System.Text;

namespace Softr.Functions.Webhooks;

/// <summary>
/// Compares a presented secret with the configured ones in constant time. Both sides are hashed
/// first so that the comparison takes the same time whatever the lengths, and every configured
/// secret is checked so that the time does not tell which one (if any) matched.
/// </summary>
public static class SharedSecretVerifier
{
    public static bool Matches(string? presented, IReadOnlyList<string> secrets)
    {
        if (string.IsNullOrEmpty(presented) || secrets.Count == 0)
        {
            return false;
        }

        Span<byte> presentedHash = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> secretHash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), presentedHash);

        var matched = false;
        foreach (var secret in secrets)
        {
            SHA256.HashData(Encoding.UTF8.GetBytes(secret), secretHash);
            matched |= CryptographicOperations.FixedTimeEquals(presentedHash, secretHash);
        }
        return matched;
    }
}
