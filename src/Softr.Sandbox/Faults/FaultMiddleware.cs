using Softr.Sandbox.Calls;

namespace Softr.Sandbox.Faults;

/// <summary>Applies the injected fault, if any, to a Softr API call.</summary>
public sealed class FaultMiddleware(RequestDelegate next, FaultInjector faults)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!SoftrApi.IsApi(context.Request.Path))
        {
            await next(context);
            return;
        }

        var fault = faults.Decide(CallLog.OperationOf(context));
        if (fault.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(fault.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                return; // the client gave up first, as a client facing a hung server does
            }
        }

        if (fault.Kind == FaultKind.None)
        {
            await next(context);
            return;
        }

        if (fault.AfterEffect && fault.Kind != FaultKind.RateLimited)
        {
            // Run the call for real but throw its answer away: the effect happened, the client hears a failure.
            var original = context.Response.Body;
            context.Response.Body = Stream.Null;
            await next(context);
            context.Response.Body = original;
            context.Response.Clear();
        }

        switch (fault.Kind)
        {
            case FaultKind.Drop:
                context.Abort();
                return;
            case FaultKind.RateLimited:
                if (fault.RetryAfterSeconds is { } seconds)
                {
                    context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                await SoftrApi.Error(context, fault.Status, "TOO_MANY_REQUESTS", "Rate limit exceeded (injected)").ExecuteAsync(context);
                return;
            default:
                await SoftrApi.Error(context, fault.Status, "INJECTED_FAULT", $"Injected {fault.Kind}").ExecuteAsync(context);
                return;
        }
    }
}
