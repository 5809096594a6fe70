using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Softr.Functions.LocalHost;

/// <summary>
/// The function app's functions, read from the same attributes the Functions SDK reads to write
/// <c>functions.metadata</c>. The local host serves exactly these, so a route or queue changed in the
/// function app changes here too; a test compares this catalog with the generated metadata.
/// </summary>
public sealed class FunctionCatalog
{
    private FunctionCatalog(IReadOnlyList<HttpFunction> httpFunctions, IReadOnlyList<QueueFunction> queueFunctions)
    {
        HttpFunctions = httpFunctions;
        QueueFunctions = queueFunctions;
    }

    public IReadOnlyList<HttpFunction> HttpFunctions { get; }

    public IReadOnlyList<QueueFunction> QueueFunctions { get; }

    public static FunctionCatalog FromAssembly(Assembly assembly)
    {
        var httpFunctions = new List<HttpFunction>();
        var queueFunctions = new List<QueueFunction>();

        foreach (var method in assembly.GetExportedTypes().SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)))
        {
            if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
            {
                continue;
            }
            foreach (var parameter in method.GetParameters())
            {
                if (parameter.GetCustomAttribute<HttpTriggerAttribute>() is { } http)
                {
                    var methods = (http.Methods ?? ["get", "post"]).Select(name => name.ToUpperInvariant()).ToArray();
                    httpFunctions.Add(new HttpFunction(function.Name, methods, http.Route ?? function.Name, http.AuthLevel, method));
                }
                else if (parameter.GetCustomAttribute<QueueTriggerAttribute>() is { } queue)
                {
                    queueFunctions.Add(new QueueFunction(function.Name, queue.QueueName, queue.Connection, method));
                }
            }
        }
        return new FunctionCatalog(httpFunctions, queueFunctions);
    }
}

public sealed record HttpFunction(string Name, IReadOnlyList<string> Methods, string Route, AuthorizationLevel AuthLevel, MethodInfo Method);

public sealed record QueueFunction(string Name, string QueueName, string? Connection, MethodInfo Method);
