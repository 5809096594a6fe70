using Softr.Functions.Automations;
using Softr.Http;

namespace Softr.Functions.Tests.Automations;

/// <summary>
/// Every action, the Softr operations it calls, and what follows from them: the budget it spends and whether
/// it may run again after an unknown outcome. The table is written out by hand, so that a new action, or a
/// change to what one calls, is a decision someone reads here. What each action really calls, against the
/// sandbox, is held to its declaration by the end-to-end ActionOperationsTests.
/// </summary>
public sealed class ActionSafetyTests
{
    /// <summary>Action, its operations, its kind, whether it is safe to repeat.</summary>
    public static TheoryData<string, string[], ActionKind, bool> Actions => new()
    {
        { SoftrActions.UserCreate, ["createUser", "generateMagicLink"], ActionKind.Write, true },
        // A second invitation is a second e-mail.
        { SoftrActions.UserInvite, ["inviteUser"], ActionKind.Write, false },
        { SoftrActions.UserMagicLink, ["generateMagicLink"], ActionKind.Write, true },
        { SoftrActions.UserActivate, ["activateUser"], ActionKind.Write, true },
        { SoftrActions.UserDeactivate, ["deactivateUser"], ActionKind.Write, true },
        { SoftrActions.UserDelete, ["deleteUser"], ActionKind.Write, true },
        { SoftrActions.UserSync, ["syncUsers"], ActionKind.Write, true },
        // A second create is a second record.
        { SoftrActions.RecordCreate, ["getTable", "createRecord"], ActionKind.Write, false },
        { SoftrActions.RecordUpdate, ["getTable", "updateRecord"], ActionKind.Write, true },
        { SoftrActions.RecordDelete, ["deleteRecord"], ActionKind.Write, true },
        // It calls createRecord, yet a repeat searches first, under the key's lock.
        { SoftrActions.RecordUpsert, ["getTable", "searchRecords", "createRecord", "updateRecord"], ActionKind.Write, true },
        { SoftrActions.RecordSearch, ["getTable", "searchRecords"], ActionKind.Read, true },
    };

    [Theory]
    [MemberData(nameof(Actions))]
    public void EachAction_DeclaresItsOperations_AndItsBudgetAndSafetyFollow(string name, string[] operations, ActionKind kind, bool safeToRepeat)
    {
        var action = SoftrActions.All[name];

        Assert.Equal(operations, action.Operations.Select(operation => operation.Name));
        Assert.Equal((kind, safeToRepeat), (action.Kind, action.SafeToRepeat));
    }

    [Fact]
    public void TheTable_HasEveryAction()
    {
        var listed = Actions.Select(row => (string)row[0]).Order(StringComparer.Ordinal);

        Assert.Equal(SoftrActions.All.Keys.Order(StringComparer.Ordinal), listed);
    }

    [Fact]
    public void AnActionDeclaresOnlyWhatItLists()
    {
        var invite = SoftrActions.All[SoftrActions.UserInvite];

        Assert.True(invite.Declares(SoftrOperation.InviteUser));
        Assert.False(invite.Declares(SoftrOperation.CreateRecord));
        Assert.False(invite.Declares(null));
    }
}
