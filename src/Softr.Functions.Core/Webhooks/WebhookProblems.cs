using FluentValidation.Results;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Softr.Functions.Webhooks;

/// <summary>
/// The RFC 9457 answers a sender can get. Each <c>type</c> is a stable identifier documented in
/// docs/problems.md, so a sender's developer can tell the cases apart without parsing text. None of
/// them echoes a configured secret or the header that should have carried one.
/// </summary>
public static class WebhookProblems
{
    public static ProblemDetails UnknownHook(string hook) => Create(
        StatusCodes.Status404NotFound, "unknown-hook", "Unknown hook",
        $"No hook named '{hook}' is configured.", hook);

    /// <param name="reason">The sender check's reason: says what was missing or wrong, never a secret.</param>
    public static ProblemDetails Unauthenticated(string hook, string reason) => Create(
        StatusCodes.Status401Unauthorized, "unauthenticated", "Unauthenticated", reason, hook);

    /// <summary>503: the hook's secrets are not available (an unresolved Key Vault reference, say); it takes nothing until they are. Names no setting.</summary>
    public static ProblemDetails HookUnavailable(string hook) => Create(
        StatusCodes.Status503ServiceUnavailable, "hook-unavailable", "Hook unavailable",
        "This hook cannot check deliveries now (its secret is not available), so it accepted nothing. Retry later.", hook);

    /// <summary>422: an Idempotency-Key seen before with another body (the IETF draft's answer): a key names one request.</summary>
    public static ProblemDetails IdempotencyKeyReused(string hook) => Create(
        StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused", "Idempotency-Key reused",
        "This Idempotency-Key was used for a request with another body within the hook's window; a key names one request. Use a new key.", hook);

    public static ProblemDetails BodyTooLarge(string hook, int limit) => Create(
        StatusCodes.Status413PayloadTooLarge, "body-too-large", "Body too large",
        $"The body is larger than this hook's limit of {limit} bytes.", hook);

    public static ProblemDetails UnsupportedContentType(string hook, string? contentType) => Create(
        StatusCodes.Status415UnsupportedMediaType, "unsupported-content-type", "Unsupported content type",
        $"Content type '{contentType}' is not accepted here; send application/json (shared-secret hooks also take forms).", hook);

    public static ProblemDetails InvalidJson(string hook, string reason) => Create(
        StatusCodes.Status400BadRequest, "invalid-json", "Invalid JSON",
        $"The body could not be read: {reason}", hook);

    public static ProblemDetails InvalidForm(string hook, string reason) => Create(
        StatusCodes.Status400BadRequest, "invalid-form", "Invalid form",
        $"The form could not be read: {reason}", hook);

    public static ProblemDetails StorageUnavailable(string hook) => Create(
        StatusCodes.Status503ServiceUnavailable, "storage-unavailable", "Storage unavailable",
        "The event could not be stored and was not accepted. Retry later.", hook);

    public static ValidationProblemDetails Invalid(string hook, ValidationResult validation) =>
        Validation(hook, validation.ToDictionary(), StatusCodes.Status400BadRequest, "validation", "The payload failed validation",
            "See 'errors' for each field that must change.");

    /// <summary>400: the payload breaks the hook's JSON Schema; each key in <c>errors</c> is a JSON pointer to the value.</summary>
    public static ValidationProblemDetails SchemaInvalid(string hook, IReadOnlyDictionary<string, string[]> errors) =>
        Validation(hook, errors.ToDictionary(pair => pair.Key, pair => pair.Value), StatusCodes.Status400BadRequest, "validation",
            "The payload failed validation", "The payload does not match the hook's schema; each key in 'errors' is a JSON pointer to a value that must change.");

    /// <summary>422: the event is well-formed, but values the hook's automations would send to Softr break their rules.</summary>
    public static ValidationProblemDetails InvalidInput(string hook, IReadOnlyList<Automations.InputError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return Validation(hook, errors.GroupBy(error => error.Path).ToDictionary(group => group.Key, group => group.Select(error => $"{error.Input} {error.Error}").ToArray()),
            StatusCodes.Status422UnprocessableEntity, "invalid-input", "Values the automations would send are invalid",
            "Each key in 'errors' is automation/step/input. Nothing was queued; correct the values and send again.");
    }

    private static ValidationProblemDetails Validation(string hook, IDictionary<string, string[]> errors, int status, string type, string title, string detail)
    {
        var problem = new ValidationProblemDetails(errors)
        {
            Status = status,
            Type = ApiProblems.TypePrefix + type,
            Title = title,
            Detail = detail,
        };
        problem.Extensions["hook"] = hook;
        return problem;
    }

    private static ProblemDetails Create(int status, string type, string title, string detail, string hook)
    {
        var problem = ApiProblems.Create(status, type, title, detail);
        problem.Extensions["hook"] = hook;
        return problem;
    }
}
