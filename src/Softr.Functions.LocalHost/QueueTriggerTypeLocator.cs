using Microsoft.Azure.WebJobs;

namespace Softr.Functions.LocalHost;

/// <summary>
/// Tells the WebJobs SDK exactly which class holds queue triggers, instead of letting it scan every
/// loaded assembly (which differs between `dotnet run` and a test host).
/// </summary>
internal sealed class QueueTriggerTypeLocator : ITypeLocator
{
    public IReadOnlyList<Type> GetTypes() => [typeof(QueueTriggers)];
}
