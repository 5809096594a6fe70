using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Softr.Functions.LocalHost;

/// <summary>
/// Serves the function app's HTTP triggers on Kestrel. Each request gets a fresh instance of the
/// function class from DI, as in the isolated worker, and its <see cref="IActionResult"/> is executed
/// by the same MVC result executors the worker's ASP.NET Core integration uses.
/// </summary>
public static class HttpFunctionEndpoints
{
    public static IEndpointRouteBuilder MapHttpFunctions(this IEndpointRouteBuilder routes, IEnumerable<HttpFunction> functions, string routePrefix)
    {
        foreach (var function in functions)
        {
            var invoke = CreateInvoker(function);
            var pattern = "/" + string.Join('/', new[] { routePrefix.Trim('/'), function.Route.Trim('/') }.Where(part => part.Length > 0));
            routes.MapMethods(pattern, function.Methods, invoke).WithName(function.Name);
        }
        return routes;
    }

    /// <summary>
    /// Binds parameters the way the worker does for the signatures this app uses: the request, the
    /// cancellation token and route values by name. Anything else fails here, at start-up, naming the
    /// function and parameter, rather than on the first request.
    /// </summary>
    private static RequestDelegate CreateInvoker(HttpFunction function)
    {
        var method = function.Method;
        if (!typeof(IActionResult).IsAssignableFrom(method.ReturnType) && method.ReturnType != typeof(Task<IActionResult>))
        {
            throw new NotSupportedException($"Function '{function.Name}' must return IActionResult or Task<IActionResult> to run on the local host.");
        }

        var routeParameters = RoutePatternFactory.Parse(function.Route).Parameters.Select(parameter => parameter.Name)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var binders = method.GetParameters().Select(parameter => CreateBinder(function, parameter, routeParameters)).ToArray();

        var needsKey = function.AuthLevel != Microsoft.Azure.Functions.Worker.AuthorizationLevel.Anonymous;
        return async context =>
        {
            // The request's shape first (no key in the URL, admin POSTs as JSON), then the key, as the worker's middleware does after the host's key check.
            if (Softr.Functions.App.KeyedRequestPolicy.Check(context.Request, function.AuthLevel) is { } problem)
            {
                await Softr.Functions.App.WebhookResponses.Problem(problem).ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
                return;
            }
            if (needsKey && !FunctionKeys.IsAuthorized(context))
            {
                await Softr.Functions.App.WebhookResponses.Problem(FunctionKeys.Unauthorized()).ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
                return;
            }
            var target = method.IsStatic ? null : ActivatorUtilities.CreateInstance(context.RequestServices, method.DeclaringType!);
            var arguments = binders.Select(bind => bind(context)).ToArray();
            // Unwrapped, so that an exception surfaces as itself, as it does in the worker.
            var returned = method.Invoke(target, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);
            var result = returned is Task<IActionResult> pending ? await pending : (IActionResult)returned!;
            await result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
        };
    }

    private static Func<HttpContext, object?> CreateBinder(HttpFunction function, ParameterInfo parameter, HashSet<string> routeParameters)
    {
        if (parameter.ParameterType == typeof(HttpRequest))
        {
            return context => context.Request;
        }
        if (parameter.ParameterType == typeof(CancellationToken))
        {
            return context => context.RequestAborted;
        }
        if (parameter.ParameterType == typeof(string) && routeParameters.Contains(parameter.Name!))
        {
            return context => context.GetRouteValue(parameter.Name!)?.ToString();
        }
        throw new NotSupportedException(
            $"Function '{function.Name}': parameter '{parameter.Name}' of type {parameter.ParameterType.Name} cannot be bound by the local host. " +
            "Supported: HttpRequest, CancellationToken and string route values.");
    }
}
