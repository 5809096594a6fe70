using System.Net;
using Softr.Functions.Automations;
using Softr.Http;

namespace Softr.Functions.Processing;

/// <summary>
/// What one running step does as each of its Softr calls goes on the wire (called by
/// <see cref="Telemetry.StepCallGuardHandler"/>, the clients' handler under the resilience pipeline, so after
/// every wait for budget, backoff and retry):
/// <list type="bullet">
/// <item>a call that must not be repeated (<see cref="RetrySafety.OnlyIfNotReceived"/>) of a step that is not
/// safe to repeat is marked started just as it leaves, in a write conditional on the lease: a call never goes
/// out from an attempt that lost the event, and a wait cut short before it (a shutdown, a total timeout
/// during 429s) leaves no mark. An answer that proves Softr did not act (429, no connection) takes the mark
/// back, so a later attempt may make the call;</item>
/// <item>the lease is extended, on the condition that the attempt still holds the event, as every call goes
/// out: a long step (an upsert: schema, lock wait, search, write) cannot outlive it, and an event erased or
/// taken over meanwhile makes no call from this attempt.</item>
/// </list>
/// No action can skip either: they are not the action's to call. And no action can make a call it does not
/// declare (<see cref="SoftrAction.Operations"/>), which is what its safety to repeat is worked out from: such a
/// call is refused before it leaves.
/// </summary>
public sealed class StepCallGuard(EventProgressStore progressStore, EventLease lease, StepRecord started, SoftrAction action, TimeProvider time,
    UnsentMarks? unsent = null)
{
    /// <summary>The started mark as written (or perhaps written: its answer was lost); null while there is none to take back.</summary>
    private StepRecord? _mark;

    /// <summary>
    /// Renews the lease (with the started mark, for a call that must not be repeated), conditional on this
    /// attempt still holding the event: the last thing before the request goes on the wire. An event taken by
    /// another attempt, or erased, makes no call from here (<see cref="LeaseLostException"/>).
    /// </summary>
    public async Task BeforeSendAsync(SoftrOperation? operation, CancellationToken cancellationToken)
    {
        if (!action.Declares(operation))
        {
            // Its safety to repeat was worked out from what it declares: a call outside that is a defect, dead-lettered once, not retried.
            throw new PermanentFailureException(FailureCauses.ActionDefect,
                $"{action.Name} made a Softr call it does not declare ({operation?.Name ?? "an unnamed request"}); it was not sent. Add it to the action's Operations.");
        }
        var mark = !action.SafeToRepeat && _mark is null && operation!.RetrySafety == RetrySafety.OnlyIfNotReceived ? started with { At = time.GetUtcNow() } : null;
        try
        {
            await progressStore.RenewAsync(lease, mark, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception failed) when (mark is not null && failed is not LeaseLostException)
        {
            // The write failed, yet it may have landed (storage acted, its answer lost). The call does not go out: the mark
            // is taken back, or a later attempt would dead-letter, as outcome-unknown, a call that never left.
            _mark = mark;
            await TakeBackQuietlyAsync().ConfigureAwait(false);
            throw;
        }
        _mark ??= mark;
    }

    /// <summary>
    /// Whether a call that must not be repeated may have reached Softr: it went out, and no answer proved that
    /// Softr did not act. False when every try was answered 429 or never left (a total timeout during the wait
    /// for 429s, a write of the mark that failed): then the step's failure is a plain retry, not an unknown outcome.
    /// </summary>
    public bool UnrepeatableCallMayHaveActed => _mark is not null;

    /// <summary>After an answer: a 429 proves Softr did not act, and the mark is taken back.</summary>
    public Task AfterAnswerAsync(HttpStatusCode status, CancellationToken cancellationToken) =>
        status == HttpStatusCode.TooManyRequests ? NotSentAsync(cancellationToken) : Task.CompletedTask;

    private async Task TakeBackQuietlyAsync()
    {
        try
        {
            await NotSentAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception failed) when (failed is LeaseLostException or Azure.RequestFailedException or AggregateException or OperationCanceledException)
        {
            // Left marked: this process knows better (UnsentMarks); any other dead-letters the step as outcome-unknown rather than risk a second call.
        }
    }

    /// <summary>The call certainly never reached Softr (no connection was made): the mark is taken back.</summary>
    public async Task NotSentAsync(CancellationToken cancellationToken)
    {
        if (_mark is { } mark)
        {
            // Remembered first: should the take-back fail, this process still knows the call never left.
            unsent?.Remember(lease.EventId, mark);
            await progressStore.ForgetStartedAsync(lease, started with { State = StepState.NotSent, At = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
            unsent?.Forget(lease.EventId, mark);
            _mark = null;
        }
    }
}
