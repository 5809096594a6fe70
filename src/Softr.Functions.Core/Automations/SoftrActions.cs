using System.Text.Json.Serialization;
using Softr.Functions.Automations.Actions;

namespace Softr.Functions.Automations;

/// <summary>Whether an action spends Softr's read budget (40/s) or its write budget (30/s).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ActionKind>))]
public enum ActionKind
{
    Read,
    Write,
}

/// <summary>The names of the actions, their inputs and outputs (shared with the recipes), and the registry of every action.</summary>
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

    /// <summary>Every action, by name (case-insensitive). A new action is one class in <c>Automations/Actions</c>, listed here.</summary>
    public static IReadOnlyDictionary<string, SoftrAction> All { get; } = new SoftrAction[]
    {
        new UserCreate(), new UserInvite(), new UserMagicLink(), new UserActivate(), new UserDeactivate(), new UserDelete(), new UserSync(),
        new RecordCreate(), new RecordUpdate(), new RecordDelete(), new RecordUpsert(), new Actions.RecordSearch(),
    }.ToDictionary(action => action.Name, StringComparer.OrdinalIgnoreCase);
}
