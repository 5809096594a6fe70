using Softr.Functions.Processing;
using Softr.Http;

namespace Softr.Functions.Telemetry;

/// <summary>
/// A handler of both Softr clients, under their resilience pipeline: each try of a call made by a running
/// step passes its <see cref="StepCallGuard"/> just before it goes on the wire (the started mark of a call
/// that must not be repeated, the lease's renewal), and again with its answer. Outside a step (a health
/// check, a test), it does nothing.
/// </summary>
public sealed class StepCallGuardHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (StepCallJournal.Current?.Guard is not { } guard)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        await guard.BeforeSendAsync(SoftrOperation.Of(request), cancellationToken).ConfigureAwait(false);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException refused) when (refused.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            await guard.NotSentAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        await guard.AfterAnswerAsync(response.StatusCode, cancellationToken).ConfigureAwait(false);
        return response;
    }
}
