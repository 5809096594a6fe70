using Softr.Http;

namespace Softr.Functions.Tests.Contract;

/// <summary>Keeps every answer the client received, with the operation it was for.</summary>
internal sealed class RecordingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly List<RecordedCall> _calls = [];

    public IReadOnlyList<RecordedCall> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var operation = request.Options.TryGetValue(new HttpRequestOptionsKey<SoftrOperation>("Softr.Operation"), out var op) ? op.Name : "(none)";
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        lock (_calls)
        {
            _calls.Add(new RecordedCall(operation, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body));
        }
        return response;
    }
}

internal sealed record RecordedCall(string Operation, int Status, string? MediaType, string Body);
