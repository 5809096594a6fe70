using Microsoft.AspNetCore.Mvc;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Automations;

/// <summary>
/// The dry run: a sample delivery posted to a hook, read by the door's own reader (<see cref="DeliveryReader"/>:
/// the same parsing, batch split, typing, event filter, signup and schema checks), and every event's plan shown,
/// with what the door would answer, a hook with no usable secret included (the door refuses every delivery to it).
/// Nothing else: no signature check (the admin key stands in for it), no claim, no queue, no Softr call.
/// </summary>
public sealed class AutomationDryRun(HookCatalog hooks, HookSecrets secrets, DeliveryReader reader)
{
    /// <returns>The verdict and plans with sensitive values masked, or the problem that stopped the whole delivery.</returns>
    public async Task<(DryRunResult? Result, ProblemDetails? Problem)> RunAsync(string hookName, Stream body, long? contentLength,
        string? contentType, Func<string, string?> headers, CancellationToken cancellationToken = default)
    {
        if (hooks.Find(hookName) is not { } hook)
        {
            return (null, WebhookProblems.UnknownHook(hookName));
        }
        if (secrets.For(hook.Definition).Count == 0)
        {
            // The door fails closed here, before reading anything: so does its verdict.
            return (new DryRunResult(hook.Name, DryRunResult.Refused, null, []) { Problem = WebhookProblems.HookUnavailable(hook.Name) }, null);
        }
        var bytes = await BoundedBody.ReadAsync(body, contentLength, hook.Definition.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return (null, WebhookProblems.BodyTooLarge(hook.Name, hook.Definition.MaxBodyBytes));
        }
        var reading = await reader.ReadAsync(hook, bytes, contentType, headers, plan: true, route: null, cancellationToken).ConfigureAwait(false);
        if (reading.Problem is { } problem)
        {
            return (null, problem);
        }
        if (!reading.IsBatch)
        {
            return (Result(hook, reading.Events[0]), null);
        }
        return (new DryRunResult(hook.Name, DryRunResult.Batch, null, []) { Events = [.. reading.Events.Select(read => Result(hook, read))] }, null);
    }

    private static DryRunResult Result(ResolvedHook hook, ReadEvent read) => read switch
    {
        ReadEvent.Taken taken => new DryRunResult(hook.Name, DryRunResult.Accepted, taken.Envelope.EventType, Masked(taken.Evaluation!.Automations))
        {
            SchemaErrors = taken.SchemaErrors.Count > 0 ? taken.SchemaErrors : null,
        },
        ReadEvent.Ignored ignored => new DryRunResult(hook.Name, DryRunResult.Ignored, ignored.EventType, []),
        ReadEvent.Refused refused => new DryRunResult(hook.Name, DryRunResult.Refused, refused.EventType, Masked(refused.Evaluation?.Automations ?? []))
        {
            Problem = refused.Problem,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(read), read, "Unknown reading."),
    };

    private static IReadOnlyList<AutomationOutcome> Masked(IReadOnlyList<AutomationOutcome> automations) =>
    [
        .. automations.Select(outcome => outcome with
        {
            Steps = [.. outcome.Steps.Select(step => step with
            {
                Inputs = step.Inputs.ToDictionary(input => input.Key, input => input.Value.ForDisplay(), StringComparer.OrdinalIgnoreCase),
                Fields = step.Fields.ToDictionary(field => field.Key, field => field.Value.ForDisplay(), StringComparer.OrdinalIgnoreCase),
            })],
        }),
    ];
}
