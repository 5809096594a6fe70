using System.Collections.Frozen;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Softr.Functions.App;

/// <summary>
/// Applies <see cref="KeyedRequestPolicy"/> in the Functions worker, after the Functions host has
/// checked the key and before the function runs. The local host applies the same policy itself.
/// </summary>
public sealed class HttpRequestPolicyMiddleware : IFunctionsWorkerMiddleware
{
    /// <summary>Every HTTP function's authorization level, read once from this assembly's attributes.</summary>
    internal static FrozenDictionary<string, AuthorizationLevel> Levels { get; } = typeof(HttpRequestPolicyMiddleware).Assembly.GetTypes()
        .SelectMany(type => type.GetMethods())
        .Select(method => (Function: method.GetCustomAttribute<FunctionAttribute>(),
            Trigger: method.GetParameters().Select(parameter => parameter.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(trigger => trigger is not null)))
        .Where(found => found.Function is not null && found.Trigger is not null)
        .ToFrozenDictionary(found => found.Function!.Name, found => found.Trigger!.AuthLevel, StringComparer.Ordinal);

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetHttpContext() is { } http
            && Levels.TryGetValue(context.FunctionDefinition.Name, out var level)
            && KeyedRequestPolicy.Check(http.Request, level) is { } problem)
        {
            http.Response.StatusCode = problem.Status ?? StatusCodes.Status400BadRequest;
            await http.Response.WriteAsJsonAsync(problem, options: null, contentType: WebhookResponses.ProblemContentType, context.CancellationToken);
            return;
        }
        await next(context);
    }
}
