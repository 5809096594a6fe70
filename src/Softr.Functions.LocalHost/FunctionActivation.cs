namespace Softr.Functions.LocalHost;

/// <summary>Creates a function class the way the isolated worker does: a new instance in a new DI scope per invocation.</summary>
public static class FunctionActivation
{
    public static async Task RunFunctionAsync<TFunction>(this IServiceProvider services, Func<TFunction, Task> invoke)
        where TFunction : class
    {
        await using var scope = services.CreateAsyncScope();
        await invoke(ActivatorUtilities.CreateInstance<TFunction>(scope.ServiceProvider));
    }
}
