using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Softr.Http;

namespace Softr.Functions.Tests.Simulation;

/// <summary>One request that reached simulated Softr, for the checks: when, what (a Database operation names its table: <c>createRecord:orders</c>), for whom, from which flow, and whether Softr acted.</summary>
internal sealed record SoftrRequest(long Step, string Operation, string? Email, string? Actor, object? Tag, bool Acted, int Status);

/// <summary>A record in a simulated Softr table.</summary>
internal sealed record SimRecord(string Id, Dictionary<string, string?> Fields);

/// <summary>
/// Softr as the simulation needs it: the Users API (create, with Softr's "exists" quirk; magic link;
/// invite; delete) and the Database API (get table, search by one field, create, update), keeping
/// state and every request. It fails as Softr and the network do, at the rates set: 429 and 503
/// before acting; 502 after acting; an answer that never comes after acting (the caller's timeout
/// ends it); a connection refused. Each request parks its flow before and after Softr acts, so other
/// flows run in between.
/// </summary>
internal sealed class SimSoftr(SimScheduler scheduler, Random random)
{
    public const string Database = "db1";
    public const string Members = "members";
    public const string Orders = "orders";

    private static readonly Dictionary<string, string[]> TableFields = new(StringComparer.Ordinal)
    {
        [Members] = ["Email", "Name", "Magic link"],
        [Orders] = ["Email", "Order"],
    };

    private readonly Dictionary<string, List<SimRecord>> _records = new(StringComparer.Ordinal) { [Members] = [], [Orders] = [] };
    private long _ids;

    public double RateLimitedRate { get; set; }

    public double UnavailableRate { get; set; }

    public double FailedAfterActingRate { get; set; }

    public double HangAfterActingRate { get; set; }

    public double RefusedRate { get; set; }

    public Dictionary<string, SimUser> Users { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every request that reached Softr, with what Softr did and answered.</summary>
    public List<SoftrRequest> Requests { get; } = [];

    /// <summary>Every request as it went on the wire, whether or not it reached Softr.</summary>
    public List<SoftrRequest> Sent { get; } = [];

    public IReadOnlyList<SimRecord> Records(string table) => _records[table];

    /// <summary>Adds a record behind the app's back (a test of the checks themselves).</summary>
    public void TamperForTest(string table, string email) =>
        _records[table].Add(new SimRecord($"rec-tampered-{++_ids}", new Dictionary<string, string?>(StringComparer.Ordinal) { [FieldId("Email")] = email }));

    /// <summary>A scripted delay on the wire, by operation (a slow Softr): awaited before Softr acts, on the simulated clock.</summary>
    public Func<string, CancellationToken, Task>? OnTheWay { get; set; }

    public void FaultsOff() => RateLimitedRate = UnavailableRate = FailedAfterActingRate = HangAfterActingRate = RefusedRate = 0;

    /// <summary>A handler for one HTTP client (the clients' factory may dispose it; Softr's state lives here).</summary>
    public HttpMessageHandler CreateHandler() => new Endpoint(this);

    internal sealed class SimUser(string fullName)
    {
        public string FullName { get; } = fullName;

        public int Invites { get; set; }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var operation = SoftrOperation.Of(request)?.Name ?? "unknown";
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var segments = request.RequestUri!.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        var email = EmailOf(operation, segments, body);
        var actor = scheduler.CurrentActor;
        var table = Array.IndexOf(segments, "tables") is var at and >= 0 && at + 1 < segments.Length ? segments[at + 1] : null;

        // On the wire from here: whether Softr gets it is out of the caller's hands (a process killed now leaves the outcome unknown).
        Sent.Add(new SoftrRequest(scheduler.Step, table is null ? operation : $"{operation}:{table}", email, actor?.Name, actor?.Tag, Acted: false, Status: -1));
        await scheduler.YieldAsync(cancellationToken).ConfigureAwait(false); // on its way
        if (OnTheWay is { } slow)
        {
            await slow(operation, cancellationToken).ConfigureAwait(false);
        }
        var fault = random.NextDouble();
        if ((fault -= RefusedRate) < 0)
        {
            Record(operation, email, acted: false, 0);
            throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (simulated).");
        }
        if ((fault -= RateLimitedRate) < 0)
        {
            Record(operation, email, acted: false, 429);
            var limited = Answer(HttpStatusCode.TooManyRequests, """{"code":"TOO_MANY_REQUESTS","message":"Rate limit exceeded (simulated)"}""");
            limited.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
            return limited;
        }
        if ((fault -= UnavailableRate) < 0)
        {
            Record(operation, email, acted: false, 503);
            return Answer(HttpStatusCode.ServiceUnavailable, """{"code":"UNAVAILABLE","message":"Service unavailable (simulated)"}""");
        }

        var answer = Act(operation, segments, body, email);
        Record(operation, email, acted: (int)answer.StatusCode < 400, (int)answer.StatusCode);
        if ((fault -= FailedAfterActingRate) < 0)
        {
            return Answer(HttpStatusCode.BadGateway, """{"code":"BAD_GATEWAY","message":"Bad gateway (simulated)"}""");
        }
        if ((fault -= HangAfterActingRate) < 0)
        {
            // The answer is lost on its way back: the caller's timeout (Polly's, on the simulated clock) ends the wait. Not a
            // cancelled Task.Delay, which would resume on the thread pool: a source cancelled by the token resumes inline.
            var lost = new TaskCompletionSource();
            using (cancellationToken.Register(() => lost.TrySetCanceled(cancellationToken)))
            {
                await lost.Task.ConfigureAwait(false);
            }
        }
        await scheduler.YieldAsync(cancellationToken).ConfigureAwait(false); // the answer on its way back
        return answer;

        void Record(string name, string? who, bool acted, int status) =>
            Requests.Add(new SoftrRequest(scheduler.Step, table is null ? name : $"{name}:{table}", who, actor?.Name, actor?.Tag, acted, status));
    }

    private HttpResponseMessage Act(string operation, string[] segments, string? body, string? email) => operation switch
    {
        "createUser" => CreateUser(JsonNode.Parse(body!)!),
        "generateMagicLink" => Users.ContainsKey(email!) ? Answer(HttpStatusCode.OK, $$"""{"magic_link":"https://sim.softr.app/magic/{{++_ids}}"}""") : NotFound(),
        "inviteUser" => Invite(email!),
        "deleteUser" => Users.Remove(email!) ? new HttpResponseMessage(HttpStatusCode.NoContent) : NotFound(),
        "getTable" => GetTable(segments[^1]),
        "searchRecords" => Search(segments[^3], JsonNode.Parse(body!)!),
        "createRecord" => Create(segments[^2], JsonNode.Parse(body!)!),
        "updateRecord" => Update(segments[^3], segments[^1], JsonNode.Parse(body!)!),
        _ => Answer(HttpStatusCode.BadRequest, $$"""{"code":"BAD_REQUEST","message":"{{operation}} is not simulated"}"""),
    };

    private HttpResponseMessage CreateUser(JsonNode request)
    {
        var email = (string)request["email"]!;
        if (Users.ContainsKey(email))
        {
            return Answer(HttpStatusCode.NotFound, """{"code":"Bad Request","message":"User already exists"}""");
        }
        Users[email] = new SimUser((string?)request["full_name"] ?? "");
        return Answer(HttpStatusCode.Created, JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["full_name"] = Users[email].FullName,
            ["email"] = email,
            ["status"] = "ACTIVE",
            ["magic_link"] = $"https://sim.softr.app/magic/{++_ids}",
        }));
    }

    private HttpResponseMessage Invite(string email)
    {
        if (!Users.TryGetValue(email, out var user))
        {
            return NotFound();
        }
        user.Invites++;
        return Answer(HttpStatusCode.OK, "{}");
    }

    private static HttpResponseMessage GetTable(string table)
    {
        if (!TableFields.TryGetValue(table, out var fields))
        {
            return NotFound();
        }
        var json = new JsonObject
        {
            ["id"] = table,
            ["name"] = table,
            ["fields"] = new JsonArray([.. fields.Select(field => (JsonNode)new JsonObject { ["id"] = FieldId(field), ["name"] = field, ["type"] = "SINGLE_LINE_TEXT" })]),
        };
        return Answer(HttpStatusCode.OK, new JsonObject { ["data"] = json }.ToJsonString());
    }

    private HttpResponseMessage Search(string table, JsonNode search)
    {
        var condition = search["filter"]?["condition"];
        var (field, value) = ((string?)condition?["leftSide"], condition?["rightSide"]?.ToString());
        var matches = _records[table].Where(record => field is null || record.Fields.GetValueOrDefault(field) == value).ToList();
        var limit = (int?)search["paging"]?["limit"] ?? 100;
        return Answer(HttpStatusCode.OK, new JsonObject
        {
            ["data"] = new JsonArray([.. matches.Take(limit).Select(record => Json(table, record))]),
            ["metadata"] = new JsonObject { ["offset"] = 0, ["limit"] = limit, ["total"] = matches.Count },
        }.ToJsonString());
    }

    private HttpResponseMessage Create(string table, JsonNode write)
    {
        var record = new SimRecord($"rec{++_ids}", FieldsOf(write));
        _records[table].Add(record);
        return Answer(HttpStatusCode.Created, new JsonObject { ["data"] = Json(table, record) }.ToJsonString());
    }

    private HttpResponseMessage Update(string table, string id, JsonNode write)
    {
        var record = _records[table].FirstOrDefault(record => record.Id == id);
        if (record is null)
        {
            return NotFound();
        }
        foreach (var (field, value) in FieldsOf(write))
        {
            record.Fields[field] = value;
        }
        return Answer(HttpStatusCode.OK, new JsonObject { ["data"] = Json(table, record) }.ToJsonString());
    }

    /// <summary>Whom a request is about: the e-mail in a Users path or body, or a record's Email field.</summary>
    private static string? EmailOf(string operation, string[] segments, string? body) => operation switch
    {
        "createUser" => (string?)JsonNode.Parse(body!)?["email"],
        "generateMagicLink" or "inviteUser" or "deleteUser" or "activateUser" or "deactivateUser" =>
            segments.Reverse().FirstOrDefault(segment => segment.Contains('@', StringComparison.Ordinal)),
        "createRecord" or "updateRecord" => (string?)JsonNode.Parse(body!)?["fields"]?[FieldId("Email")],
        "searchRecords" => JsonNode.Parse(body!)?["filter"]?["condition"]?["rightSide"]?.ToString(),
        _ => null,
    };

    private static Dictionary<string, string?> FieldsOf(JsonNode write) =>
        write["fields"]!.AsObject().ToDictionary(field => field.Key, field => field.Value?.ToString(), StringComparer.Ordinal);

    private static JsonObject Json(string table, SimRecord record) => new()
    {
        ["id"] = record.Id,
        ["tableId"] = table,
        ["fields"] = new JsonObject([.. record.Fields.Select(field => KeyValuePair.Create(field.Key, (JsonNode?)JsonValue.Create(field.Value)))]),
    };

    public static string FieldId(string name) => "f_" + name.Replace(' ', '_').ToLowerInvariant();

    private static HttpResponseMessage NotFound() => Answer(HttpStatusCode.NotFound, """{"code":"NOT_FOUND","message":"Not found (simulated)"}""");

    private static HttpResponseMessage Answer(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private sealed class Endpoint(SimSoftr softr) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            softr.SendAsync(request, cancellationToken);
    }
}
