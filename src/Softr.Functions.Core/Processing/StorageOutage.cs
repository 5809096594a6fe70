using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Softr.Functions.Events;

namespace Softr.Functions.Processing;

/// <summary>
/// Processing rides out a storage outage in place, rather than failing its queue message: a message that
/// fails is retried by the runtime after the visibility timeout and goes to the poison queue at its fifth
/// failure, so an outage of a minute would poison every message in flight. An attempt, or a write that
/// follows a Softr call (so that its record is not lost), is tried again with a growing wait (1 s doubling
/// to 30 s, jittered) while storage answers with no response, a timeout, 408, 429 or a 5xx, for up to
/// <see cref="ProcessingOptions.StorageOutageTolerance"/>; past that the failure goes to the runtime as before.
/// The queue listener keeps the message hidden meanwhile (it renews the message's lease while the function runs).
/// </summary>
public sealed partial class StorageOutage
{
    private static readonly ResiliencePropertyKey<long> Started = new("softr.storage-outage.started");

    private readonly ResiliencePipeline _pipeline;
    private readonly TimeSpan _tolerance;

    public StorageOutage(IOptions<ProcessingOptions> options, TimeProvider time, Random random, ILogger<StorageOutage> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        var tolerance = _tolerance = options.Value.StorageOutageTolerance;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                Name = "storage-outage",
                MaxRetryAttempts = int.MaxValue,
                Delay = TimeSpan.FromSeconds(1),
                MaxDelay = TimeSpan.FromSeconds(30),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Randomizer = random.NextDouble,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } exception
                    && IsOutage(exception, args.Context.CancellationToken)
                    && time.GetElapsedTime(OutageStarted(args.Context, time)) < tolerance),
                OnRetry = args =>
                {
                    LogWaiting(logger, args.RetryDelay.TotalSeconds, time.GetElapsedTime(args.Context.Properties.GetValue(Started, time.GetTimestamp())).TotalSeconds,
                        args.Outcome.Exception!.GetType().Name);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>
    /// Whether <paramref name="exception"/> says storage could not be reached or was overwhelmed, rather than
    /// that it refused the request (a conflict, a bad request, a missing row). A cancellation that
    /// <paramref name="cancellationToken"/> asked for is not an outage: it is the host stopping.
    /// </summary>
    public static bool IsOutage(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        RequestFailedException failed => failed.Status is 0 or 408 or 429 or >= 500,
        AggregateException all => all.InnerExceptions.Count > 0 && all.InnerExceptions.All(inner => IsOutage(inner, cancellationToken)),
        EventQueueUnavailableException queue => queue.InnerException is null || IsOutage(queue.InnerException, cancellationToken),
        HttpRequestException or TimeoutException or IOException => true,
        _ => false,
    };

    /// <summary>
    /// Whether <paramref name="exception"/> is storage's own (the Azure SDK's), says it was out (<see cref="IsOutage"/>),
    /// and is waited out here (the tolerance is not zero). Inside an attempt, such a failure is not the event's: it is
    /// left to <see cref="RideOutAsync{T}"/> around the attempt, not counted against the event's retries (throttling
    /// that comes and goes would use them up). With the waiting turned off, it stays a counted failure, as before.
    /// </summary>
    public bool RidesOut(Exception exception, CancellationToken cancellationToken) =>
        _tolerance > TimeSpan.Zero && exception is RequestFailedException or AggregateException or EventQueueUnavailableException && IsOutage(exception, cancellationToken);

    /// <summary>When the outage began: the first failure the ride-out saw, not when the work began (a long attempt keeps its whole tolerance).</summary>
    private static long OutageStarted(ResilienceContext context, TimeProvider time)
    {
        if (!context.Properties.TryGetValue(Started, out var started))
        {
            started = time.GetTimestamp();
            context.Properties.Set(Started, started);
        }
        return started;
    }

    /// <summary>Runs <paramref name="work"/>, again and again while storage is out, for up to the tolerance.</summary>
    public async Task<T> RideOutAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            return await _pipeline.ExecuteAsync(static async (context, work) => await work(context.CancellationToken).ConfigureAwait(false), context, work)
                .ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Runs <paramref name="work"/>, again and again while storage is out, for up to the tolerance.</summary>
    public Task RideOutAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return RideOutAsync(async token =>
        {
            await work(token).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage is not answering ({Error}); processing waits {DelaySeconds:0.#} s and tries again (out for {OutSeconds:0} s so far)")]
    private static partial void LogWaiting(ILogger logger, double delaySeconds, double outSeconds, string error);
}
