using Microsoft.AspNetCore.Mvc;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Automations;

/// <summary>
/// The dry run: a sample event posted to a hook, read and typed exactly as ingestion would, evaluated
/// against the automations, and nothing else: no signature check (the admin key stands in for it), no
/// queue, no Softr call.
/// </summary>
public sealed class AutomationDryRun(HookCatalog hooks, AutomationEvaluator evaluator, TimeProvider timeProvider)
{
    public const string EventId = "evt_dryrun";

    /// <returns>The evaluation with sensitive values masked, or the problem that stopped it.</returns>
    public async Task<(AutomationEvaluation? Evaluation, ProblemDetails? Problem)> RunAsync(string hookName, Stream body, long? contentLength,
        string? contentType, Func<string, string?> headers, CancellationToken cancellationToken = default)
    {
        if (hooks.Find(hookName) is not { } hook)
        {
            return (null, WebhookProblems.UnknownHook(hookName));
        }
        var bytes = await BoundedBody.ReadAsync(body, contentLength, hook.Definition.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return (null, WebhookProblems.BodyTooLarge(hook.Name, hook.Definition.MaxBodyBytes));
        }
        var sender = hook.Sender;
        var (payload, problem) = await WebhookBodyParser.ParsePayloadAsync(hook.Name, bytes, contentType, sender, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return (null, problem);
        }

        var identity = sender.Identify(payload, headers);
        var eventType = WebhookIngestor.EventTypeOf(hook, identity);
        var eventFields = AutomationEvaluator.EventFields(EventId, eventType, hook.Name, sender.Kind, identity.SenderEventId, timeProvider.GetUtcNow());
        return (Masked(evaluator.Evaluate(hook, eventType, payload, eventFields)), null);
    }

    private static AutomationEvaluation Masked(AutomationEvaluation evaluation) => evaluation with
    {
        Automations = [.. evaluation.Automations.Select(outcome => outcome with
        {
            Steps = [.. outcome.Steps.Select(step => step with
            {
                Inputs = step.Inputs.ToDictionary(input => input.Key, input => input.Value.ForDisplay(), StringComparer.OrdinalIgnoreCase),
                Fields = step.Fields.ToDictionary(field => field.Key, field => field.Value.ForDisplay(), StringComparer.OrdinalIgnoreCase),
            })],
        })],
    };
}
