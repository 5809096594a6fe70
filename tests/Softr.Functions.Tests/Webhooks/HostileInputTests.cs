using System.Text;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests.Webhooks;

/// <summary>
/// Input an attacker or a broken sender might send. Every case must get a 4xx problem, queue nothing,
/// and never throw (which the host would turn into a 500).
/// </summary>
public sealed class HostileInputTests
{
    private const string Valid = """{"email":"ada@example.com","full_name":"Ada"}""";

    public static TheoryData<string, byte[], string?, int> Cases()
    {
        var data = new TheoryData<string, byte[], string?, int>
        {
            { "truncated JSON", Bytes("""{"email":"ada@exam"""), "application/json", 400 },
            { "trailing garbage", Bytes(Valid + "}}"), "application/json", 400 },
            { "JSON with comments", Bytes("/* hi */" + Valid), "application/json", 400 },
            { "deeply nested", Bytes(new string('[', 5000) + new string(']', 5000)), "application/json", 400 },
            { "deeply nested object", Bytes("{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 500)) + "1" + new string('}', 501)), "application/json", 400 },
            { "NUL bytes", [0, 0, 0, 0], "application/json", 400 },
            { "NUL inside a string", Bytes("{\"email\":\"ada\u0000@example.com\",\"full_name\":\"Ada\"}"), "application/json", 400 },
            { "invalid UTF-8", [(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}'], "application/json", 400 },
            { "UTF-16 with BOM", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Valid)).ToArray(), "application/json", 400 },
            { "number where a string belongs", Bytes("""{"email":12345,"full_name":"Ada"}"""), "application/json", 400 },
            { "object where a string belongs", Bytes("""{"email":{"$gt":""},"full_name":"Ada"}"""), "application/json", 400 },
            { "array body", Bytes("[" + Valid + "]"), "application/json", 400 },
            { "null body", Bytes("null"), "application/json", 400 },
            { "empty body", [], "application/json", 400 },
            { "XML", Bytes("<signup><email>a@b.co</email></signup>"), "application/xml", 415 },
            { "malformed multipart", Bytes("--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue-without-end"), "multipart/form-data; boundary=x", 400 },
            { "multipart without a boundary", Bytes("--x--"), "multipart/form-data", 415 },
            { "garbage content type", Bytes(Valid), "\u0001;;==", 415 },
            { "body over the limit", Bytes("{\"full_name\":\"" + new string('x', 20_000) + "\",\"email\":\"a@b.co\"}"), "application/json", 413 },
            { "script in a field", Bytes("""{"email":"<script>alert(1)</script>","full_name":"Ada"}"""), "application/json", 400 },
            { "overlong name", Bytes("{\"email\":\"a@b.co\",\"full_name\":\"" + new string('n', 500) + "\"}"), "application/json", 400 },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HostileBody_Gets4xx_AndQueuesNothing(string name, byte[] body, string? contentType, int status)
    {
        var builder = new IngestorBuilder { MaxBodyBytes = 16 * 1024 };

        var result = await builder.Build().IngestAsync(Request(body, contentType, IngestorBuilder.Secret));

        var rejected = Assert.IsType<IngestionResult.Rejected>(result);
        Assert.True(rejected.Problem.Status == status, $"{name}: expected {status}, got {rejected.Problem.Status} ({rejected.Problem.Detail})");
        Assert.Empty(builder.Enqueued);
    }

    [Theory]
    [InlineData("test-secret-0123456789,test-secret-0123456789")]
    [InlineData("test-secret-0123456789\u0000")]
    [InlineData(" test-secret-0123456789")]
    [InlineData("")]
    public async Task DuplicatedOrMangledSecretHeader_Is401(string presented)
    {
        var builder = new IngestorBuilder();

        var result = await builder.Build().IngestAsync(Request(Encoding.UTF8.GetBytes(Valid), "application/json", presented));

        Assert.Equal(401, Assert.IsType<IngestionResult.Rejected>(result).Problem.Status);
        Assert.Empty(builder.Enqueued);
    }

    [Fact]
    public async Task HugeBody_IsNotReadBeyondTheLimit()
    {
        var builder = new IngestorBuilder { MaxBodyBytes = 1024 };
        var endless = new CountingStream(100 * 1024 * 1024);

        var result = await builder.Build().IngestAsync(Request(endless, contentLength: null));

        Assert.Equal(413, Assert.IsType<IngestionResult.Rejected>(result).Problem.Status);
        Assert.True(endless.BytesRead <= 1024 + 16 * 1024, $"read {endless.BytesRead} bytes of a body over the 1 KiB limit");
    }

    [Theory]
    [InlineData(100_000, 10)]
    [InlineData(10, 100_000)]
    [InlineData(0, 10)]
    public async Task ContentLengthThatLies_IsNotTrusted(long declared, int actual)
    {
        var builder = new IngestorBuilder { MaxBodyBytes = 1024 };
        var body = new MemoryStream(Encoding.UTF8.GetBytes(new string('x', actual)));

        var result = await builder.Build().IngestAsync(Request(body, declared));

        // Over the limit either way (413), or too short to be the JSON it claims (400): never accepted, never a throw.
        Assert.InRange(Assert.IsType<IngestionResult.Rejected>(result).Problem.Status ?? 0, 400, 413);
        Assert.Empty(builder.Enqueued);
    }

    [Fact]
    public async Task DeclaredOversizedBody_IsRefusedUnread()
    {
        var builder = new IngestorBuilder { MaxBodyBytes = 1024 };
        var endless = new CountingStream(100 * 1024 * 1024);

        var result = await builder.Build().IngestAsync(Request(endless, endless.Length));

        Assert.Equal(413, Assert.IsType<IngestionResult.Rejected>(result).Problem.Status);
        Assert.Equal(0, endless.BytesRead);
    }

    private static WebhookRequest Request(byte[] body, string? contentType, string? secret) =>
        Request(new MemoryStream(body), contentLength: null, contentType, secret);

    private static WebhookRequest Request(Stream body, long? contentLength, string? contentType = "application/json", string? secret = IngestorBuilder.Secret) =>
        new(IngestorBuilder.Hook, name => name == IngestorBuilder.SecretHeader ? secret : null, contentType, body,
            "POST", new Uri("https://functions.example.com/api/hooks/signup")) { ContentLength = contentLength };

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A body of <paramref name="length"/> bytes that counts how much of it was read.</summary>
    private sealed class CountingStream(long length) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - BytesRead);
            Array.Fill(buffer, (byte)'a', offset, n);
            BytesRead += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
