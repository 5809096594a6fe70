using Softr.Database;
using Softr.Functions.Processing;
using Softr.Users;

namespace Softr.Functions.Automations;

/// <summary>
/// What an action's call may use: the Softr clients, field typing against the table's schema, and locks
/// on a table's key shared by every instance. A call that must not be repeated is marked started by the
/// step's guard as it goes on the wire (<see cref="StepCallGuard"/>): nothing here for an action to forget.
/// </summary>
public sealed record StepContext(ISoftrUsersClient Users, ISoftrDatabaseClient Database, RecordFields RecordFields, KeyLocks Locks);
