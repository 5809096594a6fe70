using System.Collections.Concurrent;
using System.Net;

namespace Softr.Functions.Health;

/// <summary>
/// Whether Softr takes a connection's key: one authenticated read, the Database API's list of databases (any key may make it),
/// at most once per token and host every <see cref="Interval"/>, since each costs one of the token's reads and health is asked
/// every minute or so. What is kept is the answer, never the key. A refusal is the one failure: a key revoked or mistyped.
/// Anything else (a 429, a 5xx, no answer) leaves the key unchecked, and is asked again next time. The Users API has no read,
/// so a connection's domain cannot be checked without a write; a wrong one shows as <c>softr-unauthorized</c> dead letters.
/// </summary>
public sealed class SoftrKeyProbe(IHttpClientFactory httpClients, TimeProvider time)
{
    public const string Accepted = "key accepted";
    public const string Refused = "key refused";

    /// <summary>How long an answer (accepted or refused) stands before the key is asked about again.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<(string Token, Uri Host), (string Verdict, DateTimeOffset At)> _answers = new();

    /// <summary><see cref="Accepted"/>, <see cref="Refused"/>, or why the key was not checked this time.</summary>
    public async Task<string> CheckAsync(SoftrConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var asked = (connection.TokenFingerprint, connection.DatabaseApiBaseUrl);
        if (_answers.TryGetValue(asked, out var answer) && time.GetUtcNow() - answer.At < Interval)
        {
            return answer.Verdict;
        }
        var verdict = await AskAsync(connection, cancellationToken).ConfigureAwait(false);
        if (verdict is Accepted or Refused)
        {
            _answers[asked] = (verdict, time.GetUtcNow());
        }
        return verdict;
    }

    private async Task<string> AskAsync(SoftrConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            using var client = httpClients.CreateClient(SoftrHealthCheck.ClientName);
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(connection.DatabaseApiBaseUrl, "databases"));
            request.Options.Set(SoftrHealthCheck.ProbeOption, true);
            request.Headers.TryAddWithoutValidation(SoftrHeaders.ApiKey, connection.ApiKey);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return response.StatusCode switch
            {
                >= HttpStatusCode.OK and < HttpStatusCode.MultipleChoices => Accepted,
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => Refused,
                var other => $"key not checked (Softr answered {(int)other})",
            };
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return "key not checked (no answer)";
        }
    }
}
