using System.Collections.Concurrent;

namespace Softr.Sandbox.Calls;

/// <summary>
/// Counts every Softr API call by operation and answered status, so tests can assert "exactly M calls"
/// and "no second create". Dropped connections count under status 0.
/// </summary>
public sealed class CallLog
{
    private readonly ConcurrentDictionary<(string Operation, int Status), int> _counts = new();

    public void Record(string operation, int status) => _counts.AddOrUpdate((operation, status), 1, (_, count) => count + 1);

    public int Count(string operation, int? status = null) =>
        _counts.Where(entry => entry.Key.Operation == operation && (status is null || entry.Key.Status == status)).Sum(entry => entry.Value);

    public CallSummary Summary()
    {
        var byOperation = _counts
            .GroupBy(entry => entry.Key.Operation, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .ToDictionary(
                group => group.Key,
                group => (IReadOnlyDictionary<string, int>)group.OrderBy(entry => entry.Key.Status)
                    .ToDictionary(entry => entry.Key.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), entry => entry.Value));
        return new CallSummary(_counts.Values.Sum(), byOperation);
    }

    public void Clear() => _counts.Clear();

    /// <summary>The contract's operation id of the endpoint a request was routed to, e.g. <c>createRecord</c>.</summary>
    public static string? OperationOf(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
}

public sealed record CallSummary(int Total, IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> ByOperation);

/// <summary>Records each API call after it is answered (or dropped).</summary>
public sealed class CallLogMiddleware(RequestDelegate next, CallLog calls)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!SoftrApi.IsApi(context.Request.Path))
        {
            await next(context);
            return;
        }
        try
        {
            await next(context);
        }
        finally
        {
            var operation = OperationOf(context) ?? $"{context.Request.Method} (no such operation)";
            calls.Record(operation, context.RequestAborted.IsCancellationRequested ? 0 : context.Response.StatusCode);
        }
    }

    private static string? OperationOf(HttpContext context) => CallLog.OperationOf(context);
}
