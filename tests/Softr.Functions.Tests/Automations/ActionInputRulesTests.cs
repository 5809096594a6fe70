using System.Text.RegularExpressions;
using Softr.Functions.Automations;
using Moq;
using Softr.Functions.Processing;
using Softr.Users;

namespace Softr.Functions.Tests.Automations;

/// <summary>
/// Each action's inputs are its typed record's, and their rules its FluentValidation validator's (issue #24,
/// item 3): the README's table of rules is what the validators hold, a value is checked only when it is there
/// (a value waiting for an earlier step is absent at the door), and a required one missing when the step runs is
/// a mapping failure, not a call.
/// </summary>
public sealed partial class ActionInputRulesTests
{
    [Fact]
    public void TheReadmesRuleTable_IsWhatTheValidatorsHold()
    {
        var table = ReadmeRuleTable();
        // Every rule an action's validator gives an input, with the inputs that have it; record fields by the field rules.
        var used = SoftrActions.All.Values.SelectMany(action => action.Inputs)
            .Concat(SoftrActions.All.Values.Any(action => action.TakesFields) ? [new ActionInput("field names", false, InputRules.FieldName), new ActionInput("record field values", false, InputRules.FieldValue)] : [])
            .GroupBy(input => input.Rule)
            .ToDictionary(group => group.Key.Description, group => group.Select(input => input.Name).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);

        Assert.Equal(used.Keys.Order(StringComparer.Ordinal), table.Keys.Order(StringComparer.Ordinal));
        foreach (var (rule, inputs) in used)
        {
            Assert.True(inputs.SetEquals(table[rule]), $"README row for '{rule}' names {string.Join(", ", table[rule])}; the validators give it to {string.Join(", ", inputs)}");
        }
    }

    [Fact]
    public void EveryActionsInputs_AreItsRecordsProperties_RequiredUnlessNullable()
    {
        var create = SoftrActions.All[SoftrActions.UserCreate];

        Assert.Equal(["email", "fullName"], create.Required);
        Assert.Equal(["password", "magicLink"], create.Optional);
        Assert.Same(InputRules.Password, create.Inputs.Single(input => input.Name == "password").Rule);
        Assert.True(SoftrActions.All[SoftrActions.RecordUpsert].TakesFields);
        Assert.False(SoftrActions.All[SoftrActions.RecordDelete].TakesFields);
        // Every input of every action has exactly one rule (Describe would have thrown otherwise) and a step's name.
        Assert.All(SoftrActions.All.Values.SelectMany(action => action.Inputs), input => Assert.Matches("^[a-z][A-Za-z]*$", input.Name));
    }

    [Fact]
    public void AnAbsentValue_IsNotChecked_AndAPresentOneIs_ByName_WithoutTheValue()
    {
        var create = SoftrActions.All[SoftrActions.UserCreate];

        var absent = create.Check([new("fullName", "Ada")], []).ToList();
        var broken = create.Check([new("EMAIL", "ada@@example.com"), new("fullName", " Ada"), new("magicLink", "maybe")], []).ToList();

        Assert.Empty(absent);
        Assert.Equal(["email", "fullName", "magicLink"], broken.Select(error => error.Input));
        Assert.All(broken, error => Assert.DoesNotContain("ada@@", error.Error, StringComparison.Ordinal));
    }

    [Fact]
    public void ARecordFieldThatBreaksItsRule_IsNamedAsAField()
    {
        var upsert = SoftrActions.All[SoftrActions.RecordUpsert];

        var errors = upsert.Check([new("database", "db"), new("table", "t/../x"), new("key", "Email")],
            [new("Email", "ada@example.com"), new("Notes", "a\u0000b"), new("Bad\nName", "x")]).ToList();

        Assert.Equal([("table", "contains '/', which would change the URL it goes into."), ("Fields.Notes", "contains a control character (U+0000)."),
            ("Fields.Bad\nName", "the field name contains a control character (U+000A).")], errors);
    }

    [Fact]
    public async Task ARequiredInputMissingWhenTheStepRuns_IsAMappingFailure_AndNoCall()
    {
        var invite = SoftrActions.All[SoftrActions.UserInvite];
        var call = new StepCall(invite, new Dictionary<string, string>(), new Dictionary<string, string>());
        // Strict: any call on the Users client fails the test.
        var users = new Mock<ISoftrUsersClient>(MockBehavior.Strict);

        var failure = await Assert.ThrowsAsync<PermanentFailureException>(() => invite.RunAsync(call, new StepContext(users.Object, null!, null!, null!), CancellationToken.None));

        Assert.Equal(FailureCauses.Mapping, failure.Cause);
        users.VerifyNoOtherCalls();
        Assert.Contains("input 'email' is empty", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>The README's "| input | rule |" table: each rule's cell, with the inputs (in backticks, or as words when not backticked) its row names.</summary>
    private static Dictionary<string, HashSet<string>> ReadmeRuleTable()
    {
        var lines = File.ReadAllLines(Path.Combine(TestPaths.RepositoryRoot, "README.md"));
        var start = Array.IndexOf(lines, "| input | rule |");
        Assert.True(start > 0, "the README has no '| input | rule |' table");
        var rows = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(start + 2).TakeWhile(line => line.StartsWith('|')))
        {
            var cells = Cell().Split(line.Trim('|'));
            Assert.Equal(2, cells.Length);
            var names = cells[0].Split(',', StringSplitOptions.TrimEntries).Select(name => name.Trim('`')).ToHashSet(StringComparer.Ordinal);
            rows.Add(cells[1].Trim(), names);
        }
        return rows;
    }

    /// <summary>A cell boundary: a '|' not escaped as '\|'.</summary>
    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex Cell();
}
