using CsCheck;
using Softr.Functions.Automations;
using Softr.Functions.Events;
using Softr.Functions.Webhooks;
using Softr.Sandbox.Users;

namespace Softr.Functions.Tests.Webhooks;

/// <summary>
/// Property-based tests of the door (CsCheck), over every sender kind with in-memory storage: arbitrary
/// bytes and content types, mutations of each sender's valid sample (correctly signed after mutation, so
/// they reach parsing and validation), and mutated signature headers. Properties:
/// <list type="bullet">
/// <item>never a 5xx and never an exception out of the ingestor (storage here never fails, so a 5xx is a bug);</item>
/// <item>a 2xx implies every queued envelope round-trips through the queue's serialiser and re-validates;</item>
/// <item>no ill-formed value would be handed to a Softr client: every value a queued event's plan would
/// send meets the sandbox's rules, written independently of the app's;</item>
/// <item>the dry run says what the door did: the same verdict (taken, ignored, refused with the same problem) for
/// every event, a batch's included, whenever the sender's signature held (the dry run takes the admin key for it).</item>
/// </list>
/// The iteration counts bound the time in CI (a few seconds); the fuzz harness (docs/fuzzing.md) is for longer runs.
/// </summary>
public sealed class DoorPropertyTests
{
    // DOOR_PROPERTY_SCALE=10 (say) runs ten times as many cases, for a longer look by hand.
    private static readonly int Scale = int.TryParse(Environment.GetEnvironmentVariable("DOOR_PROPERTY_SCALE"), out var scale) && scale > 0 ? scale : 1;
    private static readonly int MutationIterations = 4_000 * Scale;
    private static readonly int BytesIterations = 2_000 * Scale;
    private static readonly int HeaderIterations = 2_000 * Scale;

    private static readonly string[] ContentTypes =
        ["application/json", "application/json; charset=utf-8", "application/cloudevents+json", "text/plain", "", "application/x-www-form-urlencoded",
         "multipart/form-data; boundary=x", "multipart/form-data", "\u0001;;==", "application/json; charset=latin1", "*/*"];

    private static (IngestorBuilder Builder, WebhookIngestor Ingestor) Door(InvalidInputPolicy policy)
    {
        var builder = new IngestorBuilder { AutomationsJson = DoorSamples.CreateUserOnEveryHook(), MaxBodyBytes = 256 * 1024 }.WithEveryKind(policy);
        builder.Time.SetUtcNow(DateTimeOffset.UtcNow);
        return (builder, builder.Build());
    }

    [Fact]
    public void MutatedSignedDeliveries_NeverFail_AndWhatIsQueuedIsSound()
    {
        var kinds = SignedDeliveries.Kinds;
        Gen.Select(Gen.Int[0, kinds.Count - 1], Gen.Int[0, DoorMutations.Count - 1], Gen.Int, Gen.Bool)
            .Sample(sample =>
            {
                var (kindIndex, mutation, seed, refuse) = sample;
                var kind = kinds[kindIndex];
                var body = DoorMutations.Apply(DoorSamples.Bytes(kind), mutation, seed);
                var contentType = "application/json";
                if (kind == "shared-secret" && (seed & 1) == 0)
                {
                    // As Jotform posts it: the JSON inside a multipart form's rawRequest field, parsed in place.
                    body = [.. "--x\r\nContent-Disposition: form-data; name=\"rawRequest\"\r\n\r\n"u8, .. body, .. "\r\n--x--\r\n"u8];
                    contentType = "multipart/form-data; boundary=x";
                }
                Holds(kind, body, contentType, refuse ? InvalidInputPolicy.Refuse : InvalidInputPolicy.Default, headers: null);
            }, iter: MutationIterations);
    }

    [Fact]
    public void ArbitraryBytesAndContentTypes_NeverFail()
    {
        var kinds = SignedDeliveries.Kinds;
        Gen.Select(Gen.Int[0, kinds.Count - 1], Gen.Byte.Array[0, 600], Gen.Int[0, ContentTypes.Length - 1])
            .Sample(sample =>
            {
                var (kindIndex, body, contentType) = sample;
                Holds(kinds[kindIndex], body, ContentTypes[contentType], InvalidInputPolicy.Default, headers: null);
            }, iter: BytesIterations);
    }

    [Fact]
    public void MutatedSignatureHeaders_AreRefusedOrAccepted_NeverAFailure()
    {
        var kinds = SignedDeliveries.Kinds;
        string[] values = ["", " ", "9999999999999999", "-1", "1e400", "99999999999999999999999999", "t=,v1=", "ts=;h1=", "v1,", "Basic ", "Basic !!!",
            "sha256=", new string('a', 65_536), "\u0000", "t=9999999999999999,v1=00", "ts=9999999999999999;h1=00", "v1,AAAA v1,BBBB"];
        Gen.Select(Gen.Int[0, kinds.Count - 1], Gen.Int[0, values.Length - 1], Gen.Int[0, 2], Gen.Int[0, 7])
            .Sample(sample =>
            {
                var (kindIndex, valueIndex, how, which) = sample;
                var kind = kinds[kindIndex];
                var body = DoorSamples.Bytes(kind);
                var headers = SignedDeliveries.Headers(kind, kind, body, DateTimeOffset.UtcNow);
                var name = headers.Keys.ElementAt(which % headers.Count);
                headers[name] = how switch
                {
                    0 => values[valueIndex],
                    1 => headers[name] + "," + headers[name],      // a duplicated header, joined as hosts join them
                    _ => headers[name] + values[valueIndex],
                };
                Holds(kind, body, "application/json", InvalidInputPolicy.Default, headers);
            }, iter: HeaderIterations);
    }

    private static void Holds(string kind, byte[] body, string contentType, InvalidInputPolicy policy, Dictionary<string, string>? headers)
    {
        var (builder, ingestor) = Door(policy);
        headers ??= SignedDeliveries.Headers(kind, kind, body, builder.Time.GetUtcNow());
        var request = new WebhookRequest(kind, name => headers.GetValueOrDefault(name), contentType, new MemoryStream(body), "POST", new Uri(SignedDeliveries.Url(kind)));

        IngestionResult result;
        try
        {
            result = ingestor.IngestAsync(request).GetAwaiter().GetResult();
        }
        catch (Exception exception)
        {
            throw new InvalidOperationException($"{kind}: the ingestor threw on {Describe(body, contentType)}", exception);
        }

        var outcomes = result is IngestionResult.Batch batch ? batch.Events : [result];
        foreach (var outcome in outcomes)
        {
            if (outcome is IngestionResult.Rejected { Problem.Status: >= 500 } rejected)
            {
                throw new InvalidOperationException($"{kind}: answered {rejected.Problem.Status} ({rejected.Problem.Detail}) to {Describe(body, contentType)}");
            }
        }
        TheDryRunAgrees(builder, kind, body, contentType, headers, result);
        var accepted = outcomes.OfType<IngestionResult.Accepted>().ToList();
        Assert.Equal(accepted.Count, builder.Enqueued.Count);
        foreach (var (envelope, acceptance) in builder.Enqueued.Zip(accepted))
        {
            RoundTripsAndRevalidates(builder, envelope, acceptance, policy, kind, body);
        }
    }

    private static void RoundTripsAndRevalidates(IngestorBuilder builder, EventEnvelope envelope, IngestionResult.Accepted acceptance, InvalidInputPolicy policy,
        string kind, byte[] body)
    {
        var again = EventEnvelopeSerializer.Deserialize(EventEnvelopeSerializer.Serialize(envelope));
        Assert.Equal(envelope.EventId, again.EventId);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(envelope.Payload.GetRawText()),
            System.Text.Json.Nodes.JsonNode.Parse(again.Payload.GetRawText())), $"{kind}: the payload changed on its way through the queue");
        Assert.Null(PayloadWellFormedness.CheckStrings(again.Payload));

        var evaluation = builder.Evaluator!.Evaluate(again);
        var refuses = policy == InvalidInputPolicy.Refuse || kind == "shared-secret";
        if (refuses)
        {
            Assert.True(evaluation.InputErrors.Count == 0, $"{kind}: queued with invalid input on a refusing hook: {Describe(body, "")}");
        }
        // What would reach Softr: every planned step's values, checked by the sandbox's own rules.
        foreach (var step in evaluation.Automations.Where(outcome => outcome.Status == OutcomeStatus.Planned).SelectMany(outcome => outcome.Steps))
        {
            if (step.Inputs.GetValueOrDefault(SoftrActions.Email)?.Value is { } email)
            {
                Assert.True(SoftrUserRules.IsAcceptableEmail(email), $"{kind}: an ill-formed e-mail would reach Softr ({email.Length} chars) from {Describe(body, "")}");
            }
            if (step.Inputs.GetValueOrDefault(SoftrActions.FullName)?.Value is { } name)
            {
                Assert.True(SoftrUserRules.IsAcceptableFullName(name), $"{kind}: an ill-formed name would reach Softr from {Describe(body, "")}");
            }
        }
    }

    private static void TheDryRunAgrees(IngestorBuilder builder, string kind, byte[] body, string contentType, Dictionary<string, string> headers, IngestionResult door)
    {
        var dryRun = new AutomationDryRun(builder.Catalog!, builder.Secrets!, builder.Reader!);
        var (result, problem) = dryRun.RunAsync(kind, new MemoryStream(body), body.Length, contentType, name => headers.GetValueOrDefault(name)).GetAwaiter().GetResult();
        var said = problem is not null ? Verdict(problem) : Verdict(result!);
        if (door is IngestionResult.Rejected { Problem.Status: 401 } && said != Verdict(((IngestionResult.Rejected)door).Problem))
        {
            return; // the signature did not hold: the door alone checks it
        }
        Assert.True(Verdict(door) == said, $"{kind}: the door said {Verdict(door)}, the dry run {said}, for {Describe(body, contentType)}");
    }

    private static string Verdict(IngestionResult result) => result switch
    {
        IngestionResult.Accepted => DryRunResult.Accepted,
        IngestionResult.Ignored ignored => $"{DryRunResult.Ignored} {ignored.EventType}",
        IngestionResult.Rejected rejected => Verdict(rejected.Problem),
        IngestionResult.Batch batch => $"{DryRunResult.Batch} [{string.Join(", ", batch.Events.Select(Verdict))}]",
        _ => "?",
    };

    private static string Verdict(DryRunResult result) => result.Verdict switch
    {
        DryRunResult.Ignored => $"{DryRunResult.Ignored} {result.EventType}",
        DryRunResult.Refused => Verdict((Microsoft.AspNetCore.Mvc.ProblemDetails)result.Problem!),
        DryRunResult.Batch => $"{DryRunResult.Batch} [{string.Join(", ", result.Events!.Select(Verdict))}]",
        _ => result.Verdict,
    };

    private static string Verdict(Microsoft.AspNetCore.Mvc.ProblemDetails problem) => $"{DryRunResult.Refused} {problem.Status} {problem.Type}";

    private static string Describe(byte[] body, string contentType) =>
        $"{contentType} body of {body.Length} bytes: {Convert.ToBase64String(body[..Math.Min(body.Length, 200)])}";
}
