namespace Softr.Http;

/// <summary>
/// What one Softr call is, for the parts of the pipeline that must treat calls differently: the rate
/// limiter (reads and writes have separate budgets) and the retry strategy (only some calls may be
/// repeated when it is unknown whether Softr acted on them).
/// </summary>
public sealed record SoftrOperation(string Name, SoftrCallKind Kind, RetrySafety RetrySafety)
{
    internal static readonly HttpRequestOptionsKey<SoftrOperation> OptionsKey = new("Softr.Operation");

    // Users Management API
    public static SoftrOperation CreateUser { get; } = new("createUser", SoftrCallKind.Write, RetrySafety.SafeToRepeat);
    public static SoftrOperation DeleteUser { get; } = new("deleteUser", SoftrCallKind.Write, RetrySafety.SafeToRepeat);
    public static SoftrOperation ActivateUser { get; } = new("activateUser", SoftrCallKind.Write, RetrySafety.SafeToRepeat);
    public static SoftrOperation DeactivateUser { get; } = new("deactivateUser", SoftrCallKind.Write, RetrySafety.SafeToRepeat);
    public static SoftrOperation InviteUser { get; } = new("inviteUser", SoftrCallKind.Write, RetrySafety.OnlyIfNotReceived);
    public static SoftrOperation GenerateMagicLink { get; } = new("generateMagicLink", SoftrCallKind.Write, RetrySafety.SafeToRepeat);
    public static SoftrOperation SyncUsers { get; } = new("syncUsers", SoftrCallKind.Write, RetrySafety.SafeToRepeat);

    // Database API
    public static SoftrOperation ListDatabases { get; } = new("listDatabases", SoftrCallKind.Read, RetrySafety.SafeToRepeat);
    public static SoftrOperation ListTables { get; } = new("listTables", SoftrCallKind.Read, RetrySafety.SafeToRepeat);
    public static SoftrOperation GetTable { get; } = new("getTable", SoftrCallKind.Read, RetrySafety.SafeToRepeat);
    public static SoftrOperation ListRecords { get; } = new("listRecords", SoftrCallKind.Read, RetrySafety.SafeToRepeat);
    public static SoftrOperation GetRecord { get; } = new("getRecord", SoftrCallKind.Read, RetrySafety.SafeToRepeat);
    public static SoftrOperation SearchRecords { get; } = new("searchRecords", SoftrCallKind.Read, RetrySafety.SafeToRepeat);
    public static SoftrOperation CreateRecord { get; } = new("createRecord", SoftrCallKind.Write, RetrySafety.OnlyIfNotReceived);
    public static SoftrOperation UpdateRecord { get; } = new("updateRecord", SoftrCallKind.Write, RetrySafety.SafeToRepeat);
    public static SoftrOperation DeleteRecord { get; } = new("deleteRecord", SoftrCallKind.Write, RetrySafety.SafeToRepeat);

    public static IReadOnlyList<SoftrOperation> All { get; } =
    [
        CreateUser, DeleteUser, ActivateUser, DeactivateUser, InviteUser, GenerateMagicLink, SyncUsers,
        ListDatabases, ListTables, GetTable, ListRecords, GetRecord, SearchRecords, CreateRecord, UpdateRecord, DeleteRecord,
    ];

    /// <summary>Whether the operation named <paramref name="name"/> (a contract operation id) may be repeated when its outcome is unknown.</summary>
    public static bool IsSafeToRepeat(string name) =>
        All.FirstOrDefault(operation => operation.Name == name)?.RetrySafety != RetrySafety.OnlyIfNotReceived;
}

/// <summary>Which of Softr's per-token budgets a call spends: reads (GET and search) or writes.</summary>
public enum SoftrCallKind
{
    Read,
    Write,
}

/// <summary>Whether the client may repeat a call whose outcome it does not know.</summary>
public enum RetrySafety
{
    /// <summary>
    /// Repeating has the same effect as doing it once: reads, updates with the same fields, deletes,
    /// (de)activation, and createUser, whose repeat is answered "already exists".
    /// </summary>
    SafeToRepeat,

    /// <summary>
    /// A repeat could act twice (a second record, a second invitation email). Retried only when
    /// Softr certainly did not act: a 429, or a connection that was never made. A timeout or a 5xx
    /// is surfaced to the caller, who must make the call safe (for records: upsert by a key field).
    /// </summary>
    OnlyIfNotReceived,
}
