using Softr.Database;
using Softr.Functions.Automations;
using Softr.Users;

namespace Softr.Functions.Processing;

/// <summary>
/// Runs one step's call: checks every rendered value against its action's input rules (so that a
/// replay, an old message or a value from an earlier step cannot send an ill-formed value either), then
/// hands the call to the action. What each action does is in its own class (<c>Automations/Actions</c>).
/// </summary>
public sealed class SoftrStepRunner(ISoftrUsersClient users, ISoftrDatabaseClient database, RecordFields recordFields, KeyLocks locks)
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
        return await action.RunAsync(call, new StepContext(users, database, recordFields, locks), cancellationToken).ConfigureAwait(false);
    }
}
