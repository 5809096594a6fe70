using Softr.Database;
using Softr.Users;

namespace Softr;

/// <summary>The Softr clients of each connection (<see cref="SoftrConnections"/>): one deployment, several Softr apps.</summary>
public interface ISoftrClients
{
    /// <summary>The connections the clients can be made for.</summary>
    SoftrConnections Connections { get; }

    /// <summary>The Users API of <paramref name="connection"/>'s app.</summary>
    /// <exception cref="KeyNotFoundException">No connection has that name.</exception>
    ISoftrUsersClient Users(string? connection = null);

    /// <summary>The Database API with <paramref name="connection"/>'s token.</summary>
    /// <exception cref="KeyNotFoundException">No connection has that name.</exception>
    ISoftrDatabaseClient Database(string? connection = null);
}
