using System.Net;
using Azure;
using Softr.Functions.Automations;
using Softr.Functions.Storage;
using Softr.Http;

namespace Softr.Functions.Processing;

/// <summary>
/// Why processing gave up on an event, as stable codes: in the event's status, in the dead-letter
/// index, and as the filter of a bulk replay.
/// </summary>
public static class FailureCauses
{
    /// <summary>Softr refused the request as invalid (400, 422): a mapping or the data needs fixing.</summary>
    public const string SoftrRejected = "softr-rejected";

    /// <summary>Softr refused the key or the app domain (401, 403).</summary>
    public const string SoftrUnauthorized = "softr-unauthorized";

    /// <summary>The user, record, table or payload the step needs does not exist.</summary>
    public const string NotFound = "not-found";

    /// <summary>An upsert's key matched several records.</summary>
    public const string AmbiguousKey = "ambiguous-key";

    /// <summary>
    /// A rendered value breaks its action's input rule (an e-mail that is not one, an id with a '/', a
    /// name with control characters...): the event is dead-lettered before any Softr call, with the
    /// errors, so that an operator can fix the automation (or the data) and replay it.
    /// </summary>
    public const string InvalidInput = "invalid-input";

    /// <summary>A required input rendered empty, a template failed, or a value does not fit its field.</summary>
    public const string Mapping = "mapping";

    /// <summary>
    /// A step that must not be repeated blindly (an invitation, a plain record create) may or may not
    /// have happened: check Softr, then replay (which repeats it) or leave it.
    /// </summary>
    public const string OutcomeUnknown = "outcome-unknown";

    /// <summary>A value too large to keep in storage (Table storage's 64 KiB per property, 1 MiB per row): no retry would fit it.</summary>
    public const string TooLarge = "too-large";

    /// <summary>Transient failures went on past <see cref="ProcessingOptions.MaxAttempts"/>.</summary>
    public const string RetriesExhausted = "retries-exhausted";

    /// <summary>
    /// No Softr budget was granted for longer than <see cref="ProcessingOptions.MaxDeferral"/>: the
    /// shared budget is misconfigured (too few seats for the instances), or another client spends the token.
    /// </summary>
    public const string NoBudget = "no-budget";

    /// <summary>
    /// A setting processing needs could not be read for longer than <see cref="ProcessingOptions.MaxDeferral"/>:
    /// <c>Softr:ApiKey</c> holds a Key Vault reference App Service could not resolve. Fix the reference, then replay.
    /// </summary>
    public const string NotConfigured = "not-configured";

    /// <summary>
    /// A credential an earlier step made (a magic link) is kept encrypted, and the Data Protection key ring
    /// no longer has the key that sealed it. A replay runs the step that made it again (it is safe to repeat).
    /// </summary>
    public const string SecretUnreadable = "secret-unreadable";

    /// <summary>Softr refused the call because the plan's cap (records, users) is reached (402 QUOTA_EXCEEDED): raise the plan, then replay by cause.</summary>
    public const string SoftrQuota = "softr-quota";

    /// <summary>Softr refused a value that must be unique and is taken (409 CONSTRAINT_VIOLATION), outside an upsert (which searches again and updates).</summary>
    public const string SoftrConflict = "softr-conflict";

    /// <summary>The message failed <c>maxDequeueCount</c> times without processing deciding (a crash, an unreadable message).</summary>
    public const string Poison = "poison";
}

/// <summary>A failure that trying again cannot fix: the event is dead-lettered at once with <see cref="Cause"/>.</summary>
public sealed class PermanentFailureException : Exception
{
    public PermanentFailureException(string cause, string message, Exception? innerException = null)
        : base(message, innerException) => Cause = cause;

    public string Cause { get; }
}

public enum FailureKind
{
    /// <summary>Try again later, counting the attempt.</summary>
    Transient,

    /// <summary>Give up now: dead-letter with the cause.</summary>
    Permanent,

    /// <summary>No Softr budget came in time: try again later without counting an attempt.</summary>
    NoBudget,

    /// <summary>A setting processing needs is not usable yet (an unresolved Key Vault reference): wait without counting an attempt.</summary>
    NotConfigured,
}

/// <summary>A setting processing needs cannot be used now; no Softr call was made. The event waits (not counted) until it can.</summary>
public sealed class NotConfiguredException(string message) : Exception(message);

/// <summary>What kind of failure an exception is, and its cause code when it is permanent.</summary>
public sealed record Failure(FailureKind Kind, string? Cause, string Message)
{
    /// <summary>
    /// Classifies <paramref name="exception"/> thrown while running <paramref name="action"/> (null
    /// outside a step). Null for exceptions processing does not expect: those are rethrown, so that the
    /// queue retries them and, at its limit, the poison handler records them.
    /// </summary>
    public static Failure? Classify(Exception exception, SoftrAction? action)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            PermanentFailureException permanent => new(FailureKind.Permanent, permanent.Cause, permanent.Message),
            NotConfiguredException notConfigured => new(FailureKind.NotConfigured, FailureCauses.NotConfigured, notConfigured.Message),
            SoftrApiException { BudgetUnavailable: true } softr => new(FailureKind.NoBudget, null, softr.Message),
            SoftrApiException { NotActedOn: true } softr => new(FailureKind.Transient, null, softr.Message),
            // A 5xx or a timeout after the call went out: Softr may have acted. Repeat only what is safe to
            // repeat: the failed call itself (a read before a create is), or else the step as a whole
            // (an upsert searches again before it writes).
            SoftrApiException { IsTransient: true } softr when action is { SafeToRepeat: false } && !SoftrOperation.IsSafeToRepeat(softr.Operation) =>
                new(FailureKind.Permanent, FailureCauses.OutcomeUnknown,
                    $"{softr.Message}. {action.Name} is not repeated blindly: check Softr, then replay to run it again."),
            SoftrApiException { IsTransient: true } softr => new(FailureKind.Transient, null, softr.Message),
            SoftrApiException { StatusCode: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden } softr =>
                new(FailureKind.Permanent, FailureCauses.SoftrUnauthorized, softr.Message),
            SoftrApiException { StatusCode: HttpStatusCode.NotFound } softr => new(FailureKind.Permanent, FailureCauses.NotFound, softr.Message),
            // The plan's cap: no retry can help until the plan changes (then replay by cause).
            SoftrApiException { StatusCode: HttpStatusCode.PaymentRequired } softr => new(FailureKind.Permanent, FailureCauses.SoftrQuota, softr.Message),
            // A value that must be unique is taken (an upsert has already searched again and updated where it could).
            SoftrApiException { StatusCode: HttpStatusCode.Conflict } softr => new(FailureKind.Permanent, FailureCauses.SoftrConflict, softr.Message),
            SoftrApiException softr => new(FailureKind.Permanent, FailureCauses.SoftrRejected, softr.Message),
            KeyBusyException busy => new(FailureKind.Transient, null, busy.Message),
            RequestFailedException storage when StorageLimits.IsTooLarge(storage.ErrorCode) =>
                new(FailureKind.Permanent, FailureCauses.TooLarge, $"storage refused a value as too large: {storage.ErrorCode}"),
            RequestFailedException storage => new(FailureKind.Transient, null, $"storage: {storage.Status} {storage.ErrorCode}"),
            AggregateException { InnerExceptions: [RequestFailedException or HttpRequestException, ..] } storage =>
                new(FailureKind.Transient, null, $"storage unreachable: {storage.InnerExceptions[0].Message}"),
            _ => null,
        };
    }
}
