using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Softr.Functions.Tests.Webhooks;
using Softr.Functions.Webhooks;
using Softr.Functions.Webhooks.Senders;

namespace Softr.Functions.Tests.Trust;

/// <summary>
/// Issue #23, item 1.8: docs/security.md lists, for each sender kind, what its proof covers and what the
/// door reads for an event's identity and type. These tests hold the code to that table, for every sender
/// kind the door registers (a new sender without its row fails here).
/// </summary>
public sealed partial class SecurityDocumentTests
{
    private static readonly IReadOnlyDictionary<string, Row> Table = ReadTable();

    public static TheoryData<string> Kinds => [.. WebhookSenders.All.Kinds];

    [Fact]
    public void EverySenderKind_HasItsRow_AndNoRowIsForAKindThatIsNot() =>
        Assert.Equal(WebhookSenders.All.Kinds.Order(StringComparer.Ordinal), Table.Keys.Order(StringComparer.Ordinal));

    /// <summary>Every header the door reads for a delivery of this kind (with the unsigned headers an attacker could add) is in the table.</summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task TheDoorReadsNoHeaderTheTableDoesNotList(string kind)
    {
        var (request, read) = Delivery(kind);
        var builder = new IngestorBuilder().WithEveryKind();

        var result = await builder.Build().IngestAsync(request);

        Assert.True(result is IngestionResult.Accepted or IngestionResult.Batch, $"the {kind} sample was not accepted: {result}");
        Assert.Empty(read.Except(Table[kind].HeadersRead, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>The headers read for identity and type are the proof's own, covered by it, or compared with the body only.</summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void IdentityAndType_AreReadOnlyFromWhatTheProofCovers(string kind)
    {
        var (request, _) = Delivery(kind);
        var read = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var sender = WebhookSenders.All.Find(kind)!;

        _ = sender.Identify(Payload(kind), name =>
        {
            read.Add(name);
            return request.Headers(name);
        });

        var row = Table[kind];
        Assert.Empty(read.Except(row.Proof.Concat(row.Covers).Concat(row.ComparedOnly), StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>An unsigned header an attacker adds never changes an event's identity or type: it is ignored, or the delivery refused.</summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void AnAddedUnsignedHeader_IsIgnoredOrRefused_NeverBelieved(string kind)
    {
        var sender = WebhookSenders.All.Find(kind)!;
        var signed = SignedDeliveries.Request(kind, DoorSamples.Bytes(kind), DateTimeOffset.UtcNow);
        var honest = sender.Identify(Payload(kind), signed.Headers);

        foreach (var header in new[] { WebhookIngestor.IdempotencyKeyHeader, "X-Event-Name", "webhook-id", "svix-id" }.Where(header => signed.Headers(header) is null))
        {
            var forged = sender.Identify(Payload(kind), name => string.Equals(name, header, StringComparison.OrdinalIgnoreCase) ? "forged-value" : signed.Headers(name));

            Assert.True(forged.Refusal is not null || (forged.SenderEventId == honest.SenderEventId && forged.EventType == honest.EventType),
                $"{kind}: an added '{header}' changed the event to ({forged.SenderEventId}, {forged.EventType}) from ({honest.SenderEventId}, {honest.EventType})");
        }
    }

    /// <summary>No body field outside the table's "id" and "type" columns changes an event's identity or type.</summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void NoOtherBodyField_ChangesAnEventsIdentityOrType(string kind)
    {
        var sender = WebhookSenders.All.Find(kind)!;
        var row = Table[kind];
        var listed = row.Id.Concat(row.Type).Where(token => !row.HeadersRead.Contains(token, StringComparer.OrdinalIgnoreCase)).ToList();
        var payload = JsonNode.Parse(Payload(kind).GetRawText())!;
        var baseline = sender.Identify(Payload(kind), _ => null);

        var changed = new List<string>();
        foreach (var path in Leaves(payload, "").Where(path => !listed.Any(token => path == token || path.StartsWith(token + ".", StringComparison.Ordinal))))
        {
            var mutated = JsonNode.Parse(payload.ToJsonString())!;
            Mutate(mutated, path);
            var identity = sender.Identify(System.Text.Json.JsonDocument.Parse(mutated.ToJsonString()).RootElement, _ => null);
            if (identity.SenderEventId != baseline.SenderEventId || identity.EventType != baseline.EventType)
            {
                changed.Add(path);
            }
        }

        Assert.Empty(changed);
    }

    private static (WebhookRequest Request, HashSet<string> Read) Delivery(string kind)
    {
        // The Standard Webhooks package reads the real clock for its window; the others the ingestor's test clock.
        var now = kind == "standard-webhooks" ? DateTimeOffset.UtcNow : new IngestorBuilder().Time.GetUtcNow();
        var signed = SignedDeliveries.Request(kind, DoorSamples.Bytes(kind), now);
        // Headers an attacker could add to a signed delivery, each naming something the signature does not.
        var added = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [WebhookIngestor.IdempotencyKeyHeader] = "added-key",
            ["X-Event-Name"] = kind == "lemonsqueezy" ? "order_created" : "added-type",
            ["webhook-id"] = "msg_added",
            ["svix-id"] = "msg_added",
        };
        var read = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var inner = signed.Headers;
        return (signed with
        {
            Headers = name =>
            {
                read.Add(name);
                return inner(name) ?? added.GetValueOrDefault(name);
            },
        }, read);
    }

    /// <summary>The sample's one event (a HubSpot batch's first item).</summary>
    private static System.Text.Json.JsonElement Payload(string kind)
    {
        var payload = System.Text.Json.JsonDocument.Parse(DoorSamples.ByKind[kind]).RootElement;
        return WebhookSenders.All.Find(kind)!.Split(payload)![0];
    }

    private static IEnumerable<string> Leaves(JsonNode node, string path) => node switch
    {
        JsonObject value => value.SelectMany(property => Leaves(property.Value!, path.Length == 0 ? property.Key : $"{path}.{property.Key}")),
        JsonArray items => items.SelectMany((item, index) => Leaves(item!, $"{path}[{index}]")),
        _ => [path],
    };

    private static void Mutate(JsonNode root, string path)
    {
        var parts = path.Split('.');
        var node = root;
        foreach (var part in parts[..^1])
        {
            node = Step(node, part);
        }
        var last = parts[^1];
        var bracket = last.IndexOf('[', StringComparison.Ordinal);
        if (bracket >= 0)
        {
            var array = (JsonArray)Step(node, last[..bracket]);
            var index = int.Parse(last[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
            array[index] = JsonValue.Create("mutated");
        }
        else
        {
            node[last] = node[last] is JsonValue number && number.TryGetValue(out long value) ? JsonValue.Create(value + 1) : JsonValue.Create("mutated");
        }
    }

    private static JsonNode Step(JsonNode node, string part)
    {
        var bracket = part.IndexOf('[', StringComparison.Ordinal);
        return bracket < 0 ? node[part]! : node[part[..bracket]]![int.Parse(part[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture)]!;
    }

    private sealed record Row(IReadOnlyList<string> Proof, IReadOnlyList<string> Covers, IReadOnlyList<string> Id, IReadOnlyList<string> Type,
        IReadOnlyList<string> ComparedOnly, IReadOnlyList<string> HeadersRead);

    private static Dictionary<string, Row> ReadTable()
    {
        var document = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "security.md"));
        var section = document[document.IndexOf("## Senders", StringComparison.Ordinal)..document.IndexOf("## Repeats", StringComparison.Ordinal)];
        var rows = new Dictionary<string, Row>(StringComparer.Ordinal);
        foreach (var line in section.Split('\n').Where(line => line.StartsWith("| `", StringComparison.Ordinal)))
        {
            var cells = line.Trim().Trim('|').Split('|').Select(Tokens).ToList();
            rows.Add(cells[0].Single(), new Row(cells[1], cells[2], cells[3], cells[4], cells[5], cells[6]));
        }
        return rows;
    }

    private static List<string> Tokens(string cell) => [.. Backticked().Matches(cell).Select(match => match.Groups[1].Value)];

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();
}
