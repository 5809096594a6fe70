using SharpFuzz;
using Softr.Functions.Tests.Webhooks;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests;

/// <summary>
/// Fuzzes the door: the first byte of an input picks the sender kind (and whether the body is sent as
/// a form), the rest is the body, signed for that kind so that it reaches parsing and validation. A
/// thrown exception or a 5xx is a crash. See docs/fuzzing.md for the commands.
/// </summary>
internal static class Program
{
    private static readonly IngestorBuilder Builder = CreateBuilder();
    private static readonly WebhookIngestor Ingestor = Builder.Build();

    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--seeds")
        {
            WriteSeeds(args.Length > 1 ? args[1] : "fuzz-seeds");
            return;
        }
        if (args.Length > 0 && args[0] == "--libfuzzer")
        {
            Fuzzer.LibFuzzer.Run(span => Ingest(span.ToArray()));
            return;
        }
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            Ingest(memory.ToArray());
        });
    }

    private static IngestorBuilder CreateBuilder()
    {
        var builder = new IngestorBuilder { AutomationsJson = DoorSamples.CreateUserOnEveryHook(), MaxBodyBytes = 256 * 1024 }.WithEveryKind();
        builder.Time.SetUtcNow(DateTimeOffset.UtcNow);
        return builder;
    }

    private static void Ingest(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }
        var kind = SignedDeliveries.Kinds[input[0] % SignedDeliveries.Kinds.Count];
        var contentType = kind == "shared-secret" && input[0] >= 128 ? "application/x-www-form-urlencoded" : "application/json";
        var result = Ingestor.IngestAsync(SignedDeliveries.Request(kind, input[1..], Builder.Time.GetUtcNow(), contentType)).GetAwaiter().GetResult();
        var outcomes = result is IngestionResult.Batch batch ? batch.Events : [result];
        foreach (var outcome in outcomes)
        {
            if (outcome is IngestionResult.Rejected { Problem.Status: >= 500 } rejected)
            {
                throw new InvalidOperationException($"{kind}: answered {rejected.Problem.Status}: {rejected.Problem.Detail}");
            }
        }
        Builder.Enqueued.Clear();
    }

    /// <summary>One seed per sender kind: its valid sample behind the byte that selects it.</summary>
    private static void WriteSeeds(string folder)
    {
        Directory.CreateDirectory(folder);
        for (var i = 0; i < SignedDeliveries.Kinds.Count; i++)
        {
            var kind = SignedDeliveries.Kinds[i];
            File.WriteAllBytes(Path.Combine(folder, kind + ".seed"), [(byte)i, .. DoorSamples.Bytes(kind)]);
        }
    }
}
