using System.Security.Cryptography;
using System.Text;

namespace Softr.Functions.Webhooks.Senders;

/// <summary>HMAC-SHA256 and constant-time comparison of the encodings senders use.</summary>
public static class Signatures
{
    public static byte[] HmacSha256(string key, ReadOnlySpan<byte> data) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), data);

    public static byte[] HmacSha256(byte[] key, ReadOnlySpan<byte> data) => HMACSHA256.HashData(key, data);

    /// <summary>Bytes of "<paramref name="prefix"/>" + body, for schemes that sign a prefix and the body together.</summary>
    public static byte[] Concat(string prefix, ReadOnlySpan<byte> body, string suffix = "")
    {
        var head = Encoding.UTF8.GetBytes(prefix);
        var tail = Encoding.UTF8.GetBytes(suffix);
        var all = new byte[head.Length + body.Length + tail.Length];
        head.CopyTo(all, 0);
        body.CopyTo(all.AsSpan(head.Length));
        tail.CopyTo(all, head.Length + body.Length);
        return all;
    }

    public static bool HexEquals(string? presented, byte[] expected) =>
        presented is not null && TryHex(presented.Trim(), out var bytes) && CryptographicOperations.FixedTimeEquals(bytes, expected);

    public static bool Base64Equals(string? presented, byte[] expected) =>
        presented is not null && TryBase64(presented.Trim(), out var bytes) && CryptographicOperations.FixedTimeEquals(bytes, expected);

    /// <summary>Constant-time equality of two strings of any length (both are hashed first).</summary>
    public static bool TextEquals(string? presented, string expected) =>
        presented is not null
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private static bool TryHex(string text, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromHexString(text);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }

    private static bool TryBase64(string text, out byte[] bytes)
    {
        bytes = new byte[text.Length];
        if (Convert.TryFromBase64String(text, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }
        bytes = [];
        return false;
    }
}
