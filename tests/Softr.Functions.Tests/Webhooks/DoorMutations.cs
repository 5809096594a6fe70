using System.Text;

namespace Softr.Functions.Tests.Webhooks;

/// <summary>
/// Ways a delivery goes wrong, applied to a valid sample: the classes of hostile and broken input the
/// door must survive (see the reference's "What the door must survive"), each driven by a seed so a
/// failing case can be replayed from its seed.
/// </summary>
internal static class DoorMutations
{
    public const int Count = 14;

    private static readonly string[] Escapes =
        ["\\ud800", "\\udfff", "\\ud800\\u0041", "\\u0000", "\\r\\nbcc: eve@example.com", "\\u200b", "\\u202e", "\\ufffd", "\\\\", "\\\"", "\\u", "\\x41", "\\uZZZZ"];

    private static readonly string[] Replacements =
        ["12345", "-0", "1e999", "true", "null", "{\"$gt\":\"\"}", "[\"a@b.co\",\"c@d.co\"]", "{}", "[]", "\"\"", "\"<script>alert(1)</script>\"",
         "\"{{ settings }}\"", "\"Robert'); DROP TABLE users;--\"", "\"ada@@example.com\"", "\"ada@localhost\""];

    public static byte[] Apply(byte[] sample, int mutation, int seed)
    {
        var random = new Random(seed);
        var text = Encoding.UTF8.GetString(sample);
        switch (mutation)
        {
            case 0: // bit flips
                var flipped = (byte[])sample.Clone();
                for (var i = 0; i < 1 + random.Next(4); i++)
                {
                    flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                }
                return flipped;
            case 1: // truncation
                return sample[..random.Next(sample.Length)];
            case 2: // an escape sequence inside a string
                return Encoding.UTF8.GetBytes(InsideAString(text, Escapes[random.Next(Escapes.Length)], random));
            case 3: // deep nesting
                var depth = random.Next(30, 20_000);
                return Encoding.UTF8.GetBytes(text.Insert(1, "\"deep\":" + new string('[', depth) + new string(']', depth) + ","));
            case 4: // a number, object, array or hostile text where a string belongs
                return Encoding.UTF8.GetBytes(ReplaceAString(text, Replacements[random.Next(Replacements.Length)], random));
            case 5: // an oversized string
                return Encoding.UTF8.GetBytes(InsideAString(text, new string('x', random.Next(1_000, 120_000)), random));
            case 6: // invalid UTF-8 bytes inside a string
                var at = text.IndexOf("@example", StringComparison.Ordinal);
                var prefix = Encoding.UTF8.GetBytes(text[..Math.Max(at, 0)]);
                byte[][] bad = [[0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0xE2, 0x82]];
                return [.. prefix, .. bad[random.Next(bad.Length)], .. Encoding.UTF8.GetBytes(text[Math.Max(at, 0)..])];
            case 7: // duplicate keys
                return Encoding.UTF8.GetBytes(text.Insert(1, "\"email\":\"eve@example.com\","));
            case 8: // raw control characters
                return Encoding.UTF8.GetBytes(InsideAString(text, ((char)random.Next(0, 32)).ToString(), random));
            case 9: // a BOM, trailing commas, comments, unquoted keys
                string[] broken = ["\uFEFF" + text, text.Replace("}", ",}", StringComparison.Ordinal), "// c\n" + text, text.Replace("\"email\"", "email", StringComparison.Ordinal)];
                return Encoding.UTF8.GetBytes(broken[random.Next(broken.Length)]);
            case 10: // not an object at all
                string[] other = ["null", "\"ada@example.com\"", "42", "[]", "[1,2]", "[[]]", "", " ", "{", "[{}]"];
                return Encoding.UTF8.GetBytes(other[random.Next(other.Length)]);
            case 11: // random bytes spliced in
                var spliced = new byte[random.Next(1, 64)];
                random.NextBytes(spliced);
                var cut = random.Next(sample.Length);
                return [.. sample[..cut], .. spliced, .. sample[cut..]];
            case 12: // an enormous number
                return Encoding.UTF8.GetBytes(ReplaceAString(text, new string('9', random.Next(20, 5000)), random));
            default: // the sample as it is
                return sample;
        }
    }

    /// <summary>Inserts <paramref name="insert"/> just after the opening quote of a random string value.</summary>
    private static string InsideAString(string json, string insert, Random random)
    {
        var quotes = Enumerable.Range(0, json.Length).Where(i => json[i] == '"' && i > 0 && json[i - 1] == ':').ToList();
        return quotes.Count == 0 ? json + insert : json.Insert(quotes[random.Next(quotes.Count)] + 1, insert);
    }

    /// <summary>Replaces a random string value (with its quotes) by <paramref name="replacement"/>.</summary>
    private static string ReplaceAString(string json, string replacement, Random random)
    {
        var starts = Enumerable.Range(0, json.Length).Where(i => json[i] == '"' && i > 0 && json[i - 1] == ':').ToList();
        if (starts.Count == 0)
        {
            return json;
        }
        var start = starts[random.Next(starts.Count)];
        var end = json.IndexOf('"', start + 1);
        return end < 0 ? json : string.Concat(json.AsSpan(0, start), replacement, json.AsSpan(end + 1));
    }
}
