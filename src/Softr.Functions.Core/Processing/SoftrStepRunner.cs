using Microsoft.Extensions.Options;
using Softr.Functions.Automations;

namespace Softr.Functions.Processing;

/// <summary>
/// Runs one step's call: checks every rendered value against its action's input rules (so that a
/// replay, an old message or a value from an earlier step cannot send an ill-formed value either), then
/// hands the call to the action, with the clients of the Softr connection the step calls. What each action
/// does is in its own class (<c>Automations/Actions</c>).
/// </summary>
public sealed class SoftrStepRunner(ISoftrClients clients, TableSchemaCache schemas, IOptions<ProcessingOptions> options, TimeProvider time, KeyLocks locks)
{
    /// <exception cref="PermanentFailureException">Cause <see cref="FailureCauses.InvalidInput"/>: a value breaks its rule; nothing was sent.</exception>
    public async Task<Dictionary<string, string?>> RunAsync(StepCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var action = call.Action;
        var errors = action.Check(call.Inputs, call.Fields).Select(error => $"{error.Input} {error.Error}").ToList();
        if (errors.Count > 0)
        {
            throw new PermanentFailureException(FailureCauses.InvalidInput, string.Join("; ", errors));
        }
        var connection = clients.Connections.Get(call.Connection);
        var database = clients.Database(connection.Name);
        var context = new StepContext(clients.Users(connection.Name), database, new RecordFields(database, connection.TokenFingerprint, schemas, options, time), locks);
        return await action.RunAsync(call, context, cancellationToken).ConfigureAwait(false);
    }
}
