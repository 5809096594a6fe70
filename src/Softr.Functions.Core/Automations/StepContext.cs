using Softr.Database;
using Softr.Functions.Processing;
using Softr.Users;

namespace Softr.Functions.Automations;

/// <summary>
/// What an action's call may use: the Softr clients, field typing against the table's schema, locks on a
/// table's key shared by every instance, and the hook to mark an unrepeatable call as started.
/// </summary>
/// <param name="BeforeUnrepeatableCall">
/// Awaited just before a call that must not be repeated blindly (an invitation, a plain record create)
/// goes out, after any reads the step needs first: processing records that the call started.
/// </param>
public sealed record StepContext(ISoftrUsersClient Users, ISoftrDatabaseClient Database, RecordFields RecordFields, KeyLocks Locks, Func<Task> BeforeUnrepeatableCall);
