using Softr.Http;
using System.Net;
using Azure;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Softr.Functions.Automations;
using Softr.Functions.Processing;

namespace Softr.Functions.Tests.Processing;

/// <summary>Which failures are retried, which wait without counting, and which dead-letter at once.</summary>
public sealed class FailureTests
{
    private static readonly SoftrAction Create = SoftrActions.All[SoftrActions.UserCreate];
    private static readonly SoftrAction Invite = SoftrActions.All[SoftrActions.UserInvite];
    private static readonly SoftrAction RecordCreate = SoftrActions.All[SoftrActions.RecordCreate];
    private static readonly SoftrAction Upsert = SoftrActions.All[SoftrActions.RecordUpsert];

    public static TheoryData<int, string, string, FailureKind, string?> StatusCases => new()
    {
        // status, failed operation, step action, kind, cause
        { 503, "createUser", SoftrActions.UserCreate, FailureKind.Transient, null },
        { 429, "inviteUser", SoftrActions.UserInvite, FailureKind.Transient, null },
        { 503, "inviteUser", SoftrActions.UserInvite, FailureKind.Permanent, FailureCauses.OutcomeUnknown },
        { 504, "createRecord", SoftrActions.RecordCreate, FailureKind.Permanent, FailureCauses.OutcomeUnknown },
        // A read before the create failed: nothing was created, so the step may run again.
        { 503, "getTable", SoftrActions.RecordCreate, FailureKind.Transient, null },
        // Inside an upsert the create may be repeated: the retry searches first.
        { 502, "createRecord", SoftrActions.RecordUpsert, FailureKind.Transient, null },
        { 400, "createRecord", SoftrActions.RecordUpsert, FailureKind.Permanent, FailureCauses.SoftrRejected },
        { 422, "updateRecord", SoftrActions.RecordUpdate, FailureKind.Permanent, FailureCauses.SoftrRejected },
        { 401, "createUser", SoftrActions.UserCreate, FailureKind.Permanent, FailureCauses.SoftrUnauthorized },
        { 403, "getTable", SoftrActions.RecordUpsert, FailureKind.Permanent, FailureCauses.SoftrUnauthorized },
        { 404, "generateMagicLink", SoftrActions.UserMagicLink, FailureKind.Permanent, FailureCauses.NotFound },
    };

    [Theory]
    [MemberData(nameof(StatusCases))]
    public void SoftrAnswer_IsClassifiedByStatus_FailedCall_AndStep(int status, string operation, string action, FailureKind kind, string? cause)
    {
        var failure = Failure.Classify(new SoftrApiException((HttpStatusCode)status, "X", "message", SoftrOperation.All.Single(candidate => candidate.Name == operation)), SoftrActions.All[action]);

        Assert.Equal((kind, cause), (failure!.Kind, failure.Cause));
    }

    [Fact]
    public void CallThatNeverLeft_IsRetried_EvenForAnInvite()
    {
        var refused = new SoftrApiException("no connection", SoftrOperation.InviteUser, new HttpRequestException(HttpRequestError.ConnectionError, "refused"));
        var circuit = new SoftrApiException("circuit open", SoftrOperation.CreateRecord, new BrokenCircuitException());

        Assert.Equal(FailureKind.Transient, Failure.Classify(refused, Invite)!.Kind);
        Assert.Equal(FailureKind.Transient, Failure.Classify(circuit, RecordCreate)!.Kind);
    }

    [Fact]
    public void ATimeoutAfterTheCallLeft_IsUnknownForAnInvite_ButRetriedForACreate()
    {
        var timeout = new SoftrApiException("timed out", SoftrOperation.InviteUser, new Polly.Timeout.TimeoutRejectedException());
        var createTimeout = new SoftrApiException("timed out", SoftrOperation.CreateUser, new Polly.Timeout.TimeoutRejectedException());

        Assert.Equal(FailureCauses.OutcomeUnknown, Failure.Classify(timeout, Invite)!.Cause);
        Assert.Equal(FailureKind.Transient, Failure.Classify(createTimeout, Create)!.Kind);
    }

    /// <summary>Review of issue #23, item 4.3: a total timeout that ends the wait for Softr's 429s left an invite that never went out dead-lettered as outcome-unknown.</summary>
    [Fact]
    public void ATimeoutWithNoUnrepeatableCallOutstanding_IsRetried_NotUnknown()
    {
        var timeout = new SoftrApiException("timed out after 60 s", SoftrOperation.InviteUser, new Polly.Timeout.TimeoutRejectedException());

        Assert.Equal(FailureKind.Transient, Failure.Classify(timeout, Invite, unrepeatableCallMayHaveActed: false)!.Kind);
        Assert.Equal(FailureCauses.OutcomeUnknown, Failure.Classify(timeout, Invite, unrepeatableCallMayHaveActed: true)!.Cause);
    }

    [Fact]
    public void NoBudget_WaitsWithoutCounting()
    {
        var noBudget = new SoftrApiException("not sent: no rate budget in time", SoftrOperation.CreateRecord, new RateLimiterRejectedException());

        Assert.Equal(FailureKind.NoBudget, Failure.Classify(noBudget, Upsert)!.Kind);
    }

    [Fact]
    public void StorageTrouble_IsTransient_AndABugIsNotClassified()
    {
        Assert.Equal(FailureKind.Transient, Failure.Classify(new RequestFailedException(503, "busy"), null)!.Kind);
        Assert.Null(Failure.Classify(new NullReferenceException(), Create));
        var permanent = Failure.Classify(new PermanentFailureException(FailureCauses.Mapping, "empty"), null)!;
        Assert.Equal((FailureKind.Permanent, FailureCauses.Mapping), (permanent.Kind, permanent.Cause));
    }
}
