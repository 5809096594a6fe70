namespace Softr.Http;

/// <summary>
/// What one Softr call is, for the parts of the pipeline that must treat calls differently: the rate
/// limiter (reads and writes have separate budgets) and the retry strategy (only some calls may be
/// repeated when it is unknown whether Softr acted on them).
/// </summary>
/// <param name="Name">The operation's id in Softr's API contract, e.g. <c>createUser</c>.</param>
/// <param name="Kind">Which of Softr's per-token budgets it spends.</param>
/// <param name="RetrySafety">Whether it may be repeated when its outcome is unknown.</param>
public sealed record SoftrOperation(string Name, SoftrCallKind Kind, RetrySafety RetrySafety)
{
    internal static readonly HttpRequestOptionsKey<SoftrOperation> OptionsKey = new("Softr.Operation");

    // Users Management API
    /// <summary><c>POST /users</c>: create a user (a repeat is answered "already exists").</summary>
    public static SoftrOperation CreateUser { get; } = new("createUser", SoftrCallKind.Write, RetrySafety.SafeToRepeat);
    /// <summary><c>DELETE /users/{email}</c>.</summary>
    public static SoftrOperation DeleteUser { get; } = new("deleteUser", SoftrCallKind.Write, RetrySafety.SafeToRepeat);
    /// <summary><c>POST /users/{email}/activate</c>.</summary>
    public static SoftrOperation ActivateUser { get; } = new("activateUser", SoftrCallKind.Write, RetrySafety.SafeToRepeat);
    /// <summary><c>POST /users/{email}/deactivate</c>.</summary>
    public static SoftrOperation DeactivateUser { get; } = new("deactivateUser", SoftrCallKind.Write, RetrySafety.SafeToRepeat);
    /// <summary><c>POST /users/{email}/invite</c>: sends an e-mail, so it is repeated only when Softr certainly did not act.</summary>
    public static SoftrOperation InviteUser { get; } = new("inviteUser", SoftrCallKind.Write, RetrySafety.OnlyIfNotReceived);
    /// <summary><c>POST /users/magic-link/generate/{email}</c>.</summary>
    public static SoftrOperation GenerateMagicLink { get; } = new("generateMagicLink", SoftrCallKind.Write, RetrySafety.SafeToRepeat);
    /// <summary><c>POST /users/sync</c>.</summary>
    public static SoftrOperation SyncUsers { get; } = new("syncUsers", SoftrCallKind.Write, RetrySafety.SafeToRepeat);

    // Database API
    /// <summary><c>GET /databases</c>.</summary>
    public static SoftrOperation ListDatabases { get; } = new("listDatabases", SoftrCallKind.Read, RetrySafety.SafeToRepeat);
    /// <summary><c>GET /databases/{databaseId}/tables</c>.</summary>
    public static SoftrOperation ListTables { get; } = new("listTables", SoftrCallKind.Read, RetrySafety.SafeToRepeat);
    /// <summary><c>GET .../tables/{tableId}</c>.</summary>
    public static SoftrOperation GetTable { get; } = new("getTable", SoftrCallKind.Read, RetrySafety.SafeToRepeat);
    /// <summary><c>GET .../records</c>.</summary>
    public static SoftrOperation ListRecords { get; } = new("listRecords", SoftrCallKind.Read, RetrySafety.SafeToRepeat);
    /// <summary><c>GET .../records/{recordId}</c>.</summary>
    public static SoftrOperation GetRecord { get; } = new("getRecord", SoftrCallKind.Read, RetrySafety.SafeToRepeat);
    /// <summary><c>POST .../records/search</c>, a read.</summary>
    public static SoftrOperation SearchRecords { get; } = new("searchRecords", SoftrCallKind.Read, RetrySafety.SafeToRepeat);
    /// <summary><c>POST .../records</c>: a repeat would make a second record, so it is repeated only when Softr certainly did not act.</summary>
    public static SoftrOperation CreateRecord { get; } = new("createRecord", SoftrCallKind.Write, RetrySafety.OnlyIfNotReceived);
    /// <summary><c>PATCH .../records/{recordId}</c>.</summary>
    public static SoftrOperation UpdateRecord { get; } = new("updateRecord", SoftrCallKind.Write, RetrySafety.SafeToRepeat);
    /// <summary><c>DELETE .../records/{recordId}</c>.</summary>
    public static SoftrOperation DeleteRecord { get; } = new("deleteRecord", SoftrCallKind.Write, RetrySafety.SafeToRepeat);

    /// <summary>Every operation of both APIs.</summary>
    public static IReadOnlyList<SoftrOperation> All { get; } =
    [
        CreateUser, DeleteUser, ActivateUser, DeactivateUser, InviteUser, GenerateMagicLink, SyncUsers,
        ListDatabases, ListTables, GetTable, ListRecords, GetRecord, SearchRecords, CreateRecord, UpdateRecord, DeleteRecord,
    ];

    private static readonly HashSet<SoftrOperation> UsersApiOperations = [CreateUser, DeleteUser, ActivateUser, DeactivateUser, InviteUser, GenerateMagicLink, SyncUsers];

    /// <summary>Whether it is a Users Management API operation: those name the app by its domain (<c>Softr-Domain</c>).</summary>
    public bool IsUsersApi => UsersApiOperations.Contains(this);

    /// <summary>
    /// The operation a request made by the Softr clients is for; null for any other request. For handlers
    /// added to the clients' pipelines (see the package README): a handler can tell a call that must not be
    /// repeated (<see cref="RetrySafety.OnlyIfNotReceived"/>) as it goes on the wire.
    /// </summary>
    /// <param name="request">A request on its way through a Softr client's handlers.</param>
    public static SoftrOperation? Of(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Options.TryGetValue(OptionsKey, out var operation) ? operation : null;
    }
}
