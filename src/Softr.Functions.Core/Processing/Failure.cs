using System.Net;
using Azure;
using Softr.Functions.Automations;
using Softr.Functions.Storage;
using Softr.Http;

namespace Softr.Functions.Processing;

/// <summary>What kind of failure an exception is, and its cause code when it is permanent.</summary>
public sealed record Failure(FailureKind Kind, string? Cause, string Message)
{
    /// <summary>
    /// Classifies <paramref name="exception"/> thrown while running <paramref name="action"/> (null
    /// outside a step). Null for exceptions processing does not expect: those are rethrown, so that the
    /// queue retries them and, at its limit, the poison handler records them.
    /// </summary>
    /// <param name="unrepeatableCallMayHaveActed">
    /// Whether the step's call that must not be repeated went out without an answer proving Softr did not act
    /// (<see cref="StepCallGuard.UnrepeatableCallMayHaveActed"/>). When it did not (every try answered 429, or the
    /// wait for them cut short by the total timeout), a transient failure is retried, not an unknown outcome.
    /// </param>
    public static Failure? Classify(Exception exception, SoftrAction? action, bool unrepeatableCallMayHaveActed = true)
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
            SoftrApiException { IsTransient: true } softr when action is { SafeToRepeat: false } && unrepeatableCallMayHaveActed && softr.Operation.RetrySafety == RetrySafety.OnlyIfNotReceived =>
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
