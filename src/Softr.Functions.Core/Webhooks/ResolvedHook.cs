using System.Text.Json;
using Json.Schema;
using Softr.Functions.Automations;
using Softr.Functions.Events;
using Softr.Functions.Webhooks.Senders;
using Softr.Resilience;

namespace Softr.Functions.Webhooks;

/// <summary>
/// A hook as the app runs it, resolved once at start-up (<see cref="HookCatalog"/>): its definition, its
/// sender, its payload schema and its compiled automations. The door, the dry run and processing are handed
/// this object, not a name, so nothing after start-up looks a hook, a sender, a schema or an automation up
/// again, and no layer can resolve a name under other case rules than another.
/// </summary>
public sealed class ResolvedHook
{
    /// <summary>The name as configured (the one the URL, the envelope, telemetry and the console use), whatever case a request used.</summary>
    public required string Name { get; init; }

    public required HookDefinition Definition { get; init; }

    public required WebhookSender Sender { get; init; }

    /// <summary>The JSON Schema file the hook names, built once; null for none or the built-in <c>signup</c>.</summary>
    public JsonSchema? Schema { get; init; }

    /// <summary>The hook's automations, compiled, in name order.</summary>
    public required IReadOnlyList<CompiledAutomation> Automations { get; init; }

    /// <summary>The hook's own priority (<see cref="HookDefinition.Priority"/>, checked at start-up).</summary>
    public CallPriority Priority => EventLane.Parse(Definition.Priority) ?? CallPriority.Normal;

    /// <summary>
    /// The hook's automations that raise a matched event above the hook's priority, highest first: the only ones the
    /// door evaluates to find an event's lane (<see cref="AutomationEvaluator.PriorityOf"/>). Usually none.
    /// </summary>
    public IReadOnlyList<CompiledAutomation> Raising => _raising ??= [.. Automations.Where(automation => automation.Priority > Priority && !automation.Disabled)
        .OrderByDescending(automation => automation.Priority)];

    private IReadOnlyList<CompiledAutomation>? _raising;

    /// <summary>Whether the payload is the built-in signup (<c>{"email", "full_name"}</c>).</summary>
    public bool IsSignup => Definition.Schema == HookSchemas.Signup;

    /// <summary>What the sender is told when an event's values break a rule: the hook's choice, else its sender kind's.</summary>
    public InvalidInputPolicy Policy => Definition.InvalidInput == InvalidInputPolicy.Default ? Sender.InvalidInputDefault : Definition.InvalidInput;

    /// <summary>Where <paramref name="payload"/> breaks the hook's schema (JSON pointers, each with its messages); empty when it does not, or there is none.</summary>
    public IReadOnlyDictionary<string, string[]> CheckSchema(JsonElement payload) =>
        Schema is null ? PayloadSchemas.NoErrors : PayloadSchemas.Check(Schema, payload);

    /// <summary>
    /// The delivery's <c>Idempotency-Key</c> header, where the sender's proof covers headers (else a header anyone
    /// could add or change would decide what is a repeat); null when there is none or it does not count.
    /// </summary>
    public string? IdempotencyKey(Func<string, string?> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return Sender.VouchesForHeaders && headers(WebhookIngestor.IdempotencyKeyHeader) is { Length: > 0 } key ? key : null;
    }

    public override string ToString() => Name;
}
