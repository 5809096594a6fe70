using System.Text.Json.Serialization;

namespace Softr.Functions.Automations;

/// <summary>Whether an action spends Softr's read budget (40/s) or its write budget (30/s).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ActionKind>))]
public enum ActionKind
{
    Read,
    Write,
}

/// <summary>
/// What a step's action needs and gives: its required and optional inputs, whether it takes record
/// fields, and the results later steps may refer to as <c>steps.{id}.{output}</c>.
/// </summary>
public sealed record SoftrAction(
    string Name,
    ActionKind Kind,
    IReadOnlyList<string> Required,
    IReadOnlyList<string> Optional,
    bool TakesFields,
    IReadOnlyList<string> Outputs)
{
    /// <summary>
    /// Whether running the step again after an unknown outcome (a timeout, a crash mid-call) does no
    /// harm. False for invitations (a second email) and plain record creates (a second record): those
    /// are never repeated blindly; use <c>record.upsert</c> for a create that must be safe to repeat.
    /// </summary>
    public bool SafeToRepeat => !string.Equals(Name, SoftrActions.UserInvite, StringComparison.OrdinalIgnoreCase)
        && !string.Equals(Name, SoftrActions.RecordCreate, StringComparison.OrdinalIgnoreCase);

    public bool Accepts(string input) =>
        Required.Contains(input, StringComparer.OrdinalIgnoreCase) || Optional.Contains(input, StringComparer.OrdinalIgnoreCase);
}

/// <summary>Every Softr operation a step can run, as <c>SoftrStepRunner</c> executes it; this is their contract.</summary>
public static class SoftrActions
{
    // Input names, shared by the actions and the recipes.
    public const string Email = "email";
    public const string FullName = "fullName";
    public const string Password = "password";
    public const string MagicLink = "magicLink";
    public const string Emails = "emails";
    public const string Database = "database";
    public const string Table = "table";
    public const string RecordId = "recordId";
    public const string Key = "key";
    public const string Field = "field";
    public const string Value = "value";

    // Output names.
    public const string Created = "created";
    public const string Count = "count";

    public const string UserCreate = "user.create";
    public const string UserInvite = "user.invite";
    public const string UserMagicLink = "user.magicLink";
    public const string UserActivate = "user.activate";
    public const string UserDeactivate = "user.deactivate";
    public const string UserDelete = "user.delete";
    public const string UserSync = "user.sync";
    public const string RecordCreate = "record.create";
    public const string RecordUpdate = "record.update";
    public const string RecordDelete = "record.delete";
    public const string RecordUpsert = "record.upsert";
    public const string RecordSearch = "record.search";

    public static IReadOnlyDictionary<string, SoftrAction> All { get; } = new SoftrAction[]
    {
        // magicLink: "true" asks Softr for a magic link with the new user (output magicLink).
        new(UserCreate, ActionKind.Write, [Email, FullName], [Password, MagicLink], false, [Email, Created, MagicLink]),
        new(UserInvite, ActionKind.Write, [Email], [], false, [Email]),
        new(UserMagicLink, ActionKind.Write, [Email], [], false, [Email, MagicLink]),
        new(UserActivate, ActionKind.Write, [Email], [], false, [Email]),
        new(UserDeactivate, ActionKind.Write, [Email], [], false, [Email]),
        new(UserDelete, ActionKind.Write, [Email], [], false, [Email]),
        // emails: comma-separated; none syncs every user.
        new(UserSync, ActionKind.Write, [], [Emails], false, []),
        new(RecordCreate, ActionKind.Write, [Database, Table], [], true, [RecordId]),
        new(RecordUpdate, ActionKind.Write, [Database, Table, RecordId], [], true, [RecordId]),
        new(RecordDelete, ActionKind.Write, [Database, Table, RecordId], [], false, [RecordId]),
        // key: the field whose value (from Fields) identifies the record; one match is updated, none
        // creates, several fail the step.
        new(RecordUpsert, ActionKind.Write, [Database, Table, Key], [], true, [RecordId, Created]),
        // The first record whose field equals value (output recordId, empty when none) and how many match.
        new(RecordSearch, ActionKind.Read, [Database, Table, Field, Value], [], false, [RecordId, Count]),
    }.ToDictionary(action => action.Name, StringComparer.OrdinalIgnoreCase);
}
