using System.Text;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests.Webhooks;

/// <summary>Forms from plain HTML pages and Jotform become JSON payloads on shared-secret hooks.</summary>
public sealed class FormBodyTests
{
    private readonly IngestorBuilder _builder = new();

    [Fact]
    public async Task UrlEncodedForm_IsAcceptedAsItsFields()
    {
        var result = await _builder.Build().IngestAsync(Request("email=ada%40example.com&full_name=Ada+Lovelace", "application/x-www-form-urlencoded"));

        Assert.IsType<IngestionResult.Accepted>(result);
        var payload = Assert.Single(_builder.Enqueued).Payload;
        Assert.Equal("ada@example.com", payload.GetProperty("email").GetString());
        Assert.Equal("Ada Lovelace", payload.GetProperty("full_name").GetString());
    }

    [Fact]
    public async Task RepeatedFormField_BecomesAnArray()
    {
        await _builder.Build().IngestAsync(Request("tag=a&tag=b&one=1", "application/x-www-form-urlencoded", IngestorBuilder.AnyJsonHook));

        var payload = Assert.Single(_builder.Enqueued).Payload;
        Assert.Equal(["a", "b"], payload.GetProperty("tag").EnumerateArray().Select(item => item.GetString()));
        Assert.Equal("1", payload.GetProperty("one").GetString());
    }

    [Fact]
    public async Task JotformMultipart_HasItsRawRequestParsed()
    {
        const string boundary = "----jotform123";
        var body = string.Join("\r\n",
            $"--{boundary}", "Content-Disposition: form-data; name=\"formID\"", "", "2401",
            $"--{boundary}", "Content-Disposition: form-data; name=\"submissionID\"", "", "5800001",
            $"--{boundary}", "Content-Disposition: form-data; name=\"rawRequest\"", "", """{"q3_email":"ada@example.com","q4_name":{"first":"Ada","last":"Lovelace"}}""",
            $"--{boundary}--", "");

        var result = await _builder.Build().IngestAsync(Request(body, $"multipart/form-data; boundary={boundary}", IngestorBuilder.AnyJsonHook));

        Assert.IsType<IngestionResult.Accepted>(result);
        var payload = Assert.Single(_builder.Enqueued).Payload;
        Assert.Equal("5800001", payload.GetProperty("submissionID").GetString());
        Assert.Equal("Lovelace", payload.GetProperty("rawRequest").GetProperty("q4_name").GetProperty("last").GetString());
    }

    [Fact]
    public async Task Form_ToASignedSender_Is415()
    {
        _builder.MoreHooks["tally"] = new HookDefinition { Sender = "tally", SecretSettings = { IngestorBuilder.SecretSetting } };
        const string body = "eventId=1&eventType=FORM_RESPONSE";
        var signature = Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(IngestorBuilder.Secret), Encoding.UTF8.GetBytes(body)));

        var result = await _builder.Build().IngestAsync(IngestorBuilder.Request(body, secret: null, hook: "tally",
            contentType: "application/x-www-form-urlencoded", extraHeaders: ("Tally-Signature", signature)));

        Assert.Equal(415, Assert.IsType<IngestionResult.Rejected>(result).Problem.Status);
        Assert.Empty(_builder.Enqueued);
    }

    private static WebhookRequest Request(string body, string contentType, string hook = IngestorBuilder.Hook) =>
        IngestorBuilder.Request(body, hook: hook, contentType: contentType);
}
