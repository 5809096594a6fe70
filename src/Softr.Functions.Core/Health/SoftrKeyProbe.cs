using System.Collections.Concurrent;
using System.Net;

namespace Softr.Functions.Health;

/// <summary>
/// Whether Softr takes a connection's key: one authenticated read, the Database API's list of databases (any key may make it).
/// Health is anonymous and asked every minute or so, and each read is one of the token's, so every answer is kept for a
/// while (per instance), per token and host, and callers who ask meanwhile share the read in flight: an accepted or
/// refused key for <see cref="Interval"/>, any other answer (a 429, a 5xx, none) for <see cref="RetryInterval"/>. What is
/// kept is the answer, never the key. A refusal is the one failure: a key revoked or mistyped. The Users API has no read, so
/// a connection's domain cannot be checked without a write; a wrong one shows as <c>softr-unauthorized</c> dead letters.
/// </summary>
public sealed class SoftrKeyProbe(IHttpClientFactory httpClients, TimeProvider time)
{
    public const string Accepted = "key accepted";
    public const string Refused = "key refused";

    /// <summary>How long an answer on the key (accepted or refused) stands before the key is put to Softr again.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    /// <summary>How long an answer that says nothing of the key (Softr busy, failing or silent) stands.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<(string Token, Uri Host), Answer> _answers = new();

    /// <summary><see cref="Accepted"/>, <see cref="Refused"/>, or why the key was not checked.</summary>
    public async Task<string> CheckAsync(SoftrConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var asked = (connection.TokenFingerprint, connection.DatabaseApiBaseUrl);
        var now = time.GetUtcNow();
        var answer = _answers.AddOrUpdate(asked,
            _ => Ask(connection, now),
            (_, kept) => kept.StandsAt(now) ? kept : Ask(connection, now));
        // The read itself never throws (AskAsync answers every failure in words); only this caller's giving up does.
        return await answer.Verdict.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The read, shared by every caller: not tied to one caller's cancellation (the client's timeout bounds it). Lazy, because
    /// the dictionary may make an answer it then throws away; only the one kept is ever asked.
    /// </summary>
    private Answer Ask(SoftrConnection connection, DateTimeOffset now) => new(new Lazy<Task<string>>(() => AskAsync(connection)), now);

    private async Task<string> AskAsync(SoftrConnection connection)
    {
        try
        {
            using var client = httpClients.CreateClient(SoftrHealthCheck.ClientName);
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(connection.DatabaseApiBaseUrl, "databases"));
            request.Options.Set(SoftrHealthCheck.ProbeOption, true);
            request.Headers.TryAddWithoutValidation(SoftrHeaders.ApiKey, connection.ApiKey);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
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

    private sealed record Answer(Lazy<Task<string>> Read, DateTimeOffset AskedAt)
    {
        public Task<string> Verdict => Read.Value;

        /// <summary>In flight, or answered recently enough for its kind.</summary>
        public bool StandsAt(DateTimeOffset now) =>
            !Verdict.IsCompleted || now - AskedAt < (Verdict.Result is Accepted or Refused ? Interval : RetryInterval);
    }
}
