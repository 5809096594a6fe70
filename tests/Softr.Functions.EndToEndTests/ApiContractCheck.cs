using System.Collections.Concurrent;
using Softr.Functions.Testing;

namespace Softr.Functions.EndToEndTests;

/// <summary>
/// Checks every answer the local host gives a test against docs/openapi.yaml, the way the Softr client's
/// calls are checked against Softr's document: a path the document does not have, a status it does not
/// list for the operation, or a body that breaks the operation's schema fails the test that made the
/// call, naming what differs. Every end-to-end test's HTTP client goes through it.
/// </summary>
public sealed class ApiContractCheck() : DelegatingHandler(new HttpClientHandler())
{
    private const string Prefix = "/api";

    /// <summary>The operations this client has seen answered, with their statuses.</summary>
    public ConcurrentDictionary<string, ConcurrentBag<int>> Seen { get; } = new(StringComparer.Ordinal);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        if (!path.StartsWith(Prefix + "/", StringComparison.Ordinal))
        {
            return response;
        }
        var operation = OpenApiContract.Ours.FindOperation(request.Method.Method, path[Prefix.Length..])
            ?? throw new Xunit.Sdk.XunitException($"{request.Method} {path} is not in docs/openapi.yaml (answered {(int)response.StatusCode}).");
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var problems = OpenApiContract.Ours.Check(operation, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
        if (problems.Count > 0)
        {
            throw new Xunit.Sdk.XunitException(
                $"The answer to {request.Method} {path} is not what docs/openapi.yaml says:\n- {string.Join("\n- ", problems)}\nBody: {Shorten(body)}");
        }
        Seen.GetOrAdd(operation, _ => []).Add((int)response.StatusCode);
        return response;
    }

    private static string Shorten(string body) => body.Length > 2000 ? body[..2000] + "..." : body;
}
