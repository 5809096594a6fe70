using System.Text.Json;
using System.Text.Json.Nodes;
using Softr.Database;
using Softr.Functions.Automations;
using Softr.Functions.Events;
using Softr.Functions.Processing;

namespace Softr.Functions.EndToEndTests.Processing;

/// <summary>
/// Issue #24, item 4: an action's declared Softr operations are what decides whether it is safe to repeat, so
/// they must be what it really calls. Each action runs here against the sandbox, through the real clients and a
/// real step guard, in the cases that reach each of its calls; the sandbox's call log says which operations
/// went out. And a call an action does not declare never leaves.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ActionOperationsTests(ProcessingFixture fixture) : IClassFixture<ProcessingFixture>, IAsyncLifetime
{
    private const string Database = "db_portal";
    private const string Table = "tbl_customers";

    private ProcessingHarness Harness => fixture.Harness;

    public async Task InitializeAsync()
    {
        await Harness.RestartProcessAsync();
        (await Harness.Sandbox.DeleteAsync("/sandbox/faults")).EnsureSuccessStatusCode();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task EveryAction_CallsExactlyTheOperationsItDeclares()
    {
        await Harness.SoftrPostAsync("/v1/api/users", new { full_name = "Already There", email = "ops-existing@example.com" });
        var recordId = (await Harness.Get<ISoftrDatabaseClient>().CreateRecordAsync(Database, Table, new Dictionary<string, JsonNode?> { ["cEmail"] = "ops-record@example.com" }))
            .Id;
        // Each case: the action, its inputs, its fields. The cases of one action together reach every call it may make.
        (string Action, Dictionary<string, string> Inputs, Dictionary<string, string> Fields)[] cases =
        [
            (SoftrActions.UserCreate, new() { ["email"] = "ops-new@example.com", ["fullName"] = "New" }, []),
            (SoftrActions.UserCreate, new() { ["email"] = "ops-existing@example.com", ["fullName"] = "Already There", ["magicLink"] = "true" }, []),
            (SoftrActions.UserInvite, new() { ["email"] = "ops-existing@example.com" }, []),
            (SoftrActions.UserMagicLink, new() { ["email"] = "ops-existing@example.com" }, []),
            (SoftrActions.UserDeactivate, new() { ["email"] = "ops-existing@example.com" }, []),
            (SoftrActions.UserActivate, new() { ["email"] = "ops-existing@example.com" }, []),
            (SoftrActions.UserSync, new() { ["emails"] = "ops-existing@example.com" }, []),
            (SoftrActions.UserDelete, new() { ["email"] = "ops-new@example.com" }, []),
            (SoftrActions.RecordCreate, new() { ["database"] = Database, ["table"] = Table }, new() { ["Email"] = "ops-created@example.com" }),
            (SoftrActions.RecordSearch, new() { ["database"] = Database, ["table"] = Table, ["field"] = "Email", ["value"] = "ops-record@example.com" }, []),
            (SoftrActions.RecordUpdate, new() { ["database"] = Database, ["table"] = Table, ["recordId"] = recordId }, new() { ["Name"] = "Updated" }),
            (SoftrActions.RecordUpsert, new() { ["database"] = Database, ["table"] = Table, ["key"] = "Email" }, new() { ["Email"] = "ops-upserted@example.com" }),
            (SoftrActions.RecordUpsert, new() { ["database"] = Database, ["table"] = Table, ["key"] = "Email" }, new() { ["Email"] = "ops-upserted@example.com", ["Name"] = "Again" }),
            (SoftrActions.RecordDelete, new() { ["database"] = Database, ["table"] = Table, ["recordId"] = recordId }, []),
        ];

        var called = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (name, inputs, fields) in cases)
        {
            // A new process for each: its table schemas are not cached yet, so a schema read shows.
            await Harness.RestartProcessAsync();
            (await Harness.Sandbox.DeleteAsync("/sandbox/calls")).EnsureSuccessStatusCode();
            var action = SoftrActions.All[name];

            await RunGuardedAsync(action, new StepCall(action, inputs, fields), $"{name}-{called.GetValueOrDefault(name)?.Count}");

            called.TryAdd(name, new HashSet<string>(StringComparer.Ordinal));
            called[name].UnionWith(await OperationsCalledAsync());
        }

        Assert.Equal(SoftrActions.All.Keys.Order(StringComparer.Ordinal), called.Keys.Order(StringComparer.Ordinal));
        Assert.All(called, entry => Assert.Equal(
            SoftrActions.All[entry.Key].Operations.Select(operation => operation.Name).Order(StringComparer.Ordinal), entry.Value.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task ACallTheActionDoesNotDeclare_IsRefusedBeforeItLeaves_AndMarksNothing()
    {
        (await Harness.Sandbox.DeleteAsync("/sandbox/calls")).EnsureSuccessStatusCode();
        var invite = SoftrActions.All[SoftrActions.UserInvite];
        var (envelope, lease) = await LeaseAsync("undeclared");
        var guard = new StepCallGuard(Harness.Get<EventProgressStore>(), lease,
            new StepRecord("ops", "step", invite.Name, StepState.Started, DateTimeOffset.UtcNow, new Dictionary<string, string?>()), invite, TimeProvider.System);

        Exception? refused;
        using (StepCallJournal.Begin(guard))
        {
            // user.invite declares inviteUser only: a record create from inside it is a defect, stopped at the door.
            refused = await Record.ExceptionAsync(() => Harness.Get<ISoftrDatabaseClient>().CreateRecordAsync(Database, Table,
                new Dictionary<string, JsonNode?> { ["cEmail"] = "never-created@example.com" }));
        }

        Assert.Equal(FailureCauses.ActionDefect, Assert.IsType<PermanentFailureException>(refused).Cause);
        Assert.Contains("createRecord", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await OperationsCalledAsync());
        Assert.Null((await Harness.Get<EventProgressStore>().ReadAsync(envelope.EventId, CancellationToken.None)).Step("ops", "step"));
    }

    private async Task RunGuardedAsync(SoftrAction action, StepCall call, string tag)
    {
        var (_, lease) = await LeaseAsync(tag);
        var guard = new StepCallGuard(Harness.Get<EventProgressStore>(), lease,
            new StepRecord("ops", "step", action.Name, StepState.Started, DateTimeOffset.UtcNow, new Dictionary<string, string?>()), action, TimeProvider.System);
        using var journal = StepCallJournal.Begin(guard);
        await Harness.Get<SoftrStepRunner>().RunAsync(call, CancellationToken.None);
    }

    /// <summary>An attempt's lease on an event of its own, as the processor holds one while a step runs.</summary>
    private async Task<(EventEnvelope Envelope, EventLease Lease)> LeaseAsync(string tag)
    {
        var envelope = Harness.Envelope(ProcessingFixture.TestHook, JsonSerializer.Serialize(new { kind = "operations", tag, at = Guid.NewGuid() }));
        var progress = Harness.Get<EventProgressStore>();
        var lease = await progress.BeginAttemptAsync(envelope, await progress.ReadAsync(envelope.EventId, CancellationToken.None), "message-1", "attempt 1",
            CancellationToken.None);
        return (envelope, lease!);
    }

    private async Task<IEnumerable<string>> OperationsCalledAsync() =>
        (await Harness.SandboxGetAsync("/sandbox/calls")).GetProperty("byOperation").EnumerateObject().Select(operation => operation.Name).ToList();
}
