using System.Globalization;
using Softr.Database;
using Softr.Functions.Automations;
using Softr.Users;

namespace Softr.Functions.Processing;

/// <summary>A step with every value rendered: what <see cref="SoftrStepRunner"/> executes.</summary>
public sealed record StepCall(string Action, IReadOnlyDictionary<string, string> Inputs, IReadOnlyDictionary<string, string> Fields)
{
    public string Input(string name) => Inputs.TryGetValue(name, out var value)
        ? value
        : throw new PermanentFailureException(FailureCauses.Mapping, $"{Action}: input '{name}' is empty for this event.");

    public string? OptionalInput(string name) => Inputs.GetValueOrDefault(name);
}

/// <summary>
/// Runs one action against Softr and returns its results (the outputs <see cref="SoftrActions"/>
/// declares). Each action is made as safe to repeat as Softr allows: "already exists" on create and
/// "not found" on delete are successes, and upsert searches before it writes.
/// </summary>
public sealed class SoftrStepRunner(ISoftrUsersClient users, ISoftrDatabaseClient database, RecordFields recordFields)
{
    /// <param name="beforeUnrepeatableCall">
    /// Awaited just before a call that must not be repeated blindly (an invitation, a plain record
    /// create) goes out, after any reads the step needs first: the caller records that the call started.
    /// </param>
    public async Task<Dictionary<string, string?>> RunAsync(StepCall call, Func<Task> beforeUnrepeatableCall, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(beforeUnrepeatableCall);
        // Actions are matched case-insensitively in the configuration; switch on the canonical name.
        var action = SoftrActions.All.TryGetValue(call.Action, out var known) ? known.Name : call.Action;
        return action switch
        {
            SoftrActions.UserCreate => await CreateUserAsync(call, cancellationToken).ConfigureAwait(false),
            SoftrActions.UserInvite => await ForUserAsync(call, async (email, token) =>
            {
                await beforeUnrepeatableCall().ConfigureAwait(false);
                await users.InviteUserAsync(email, token).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false),
            SoftrActions.UserActivate => await ForUserAsync(call, users.ActivateUserAsync, cancellationToken).ConfigureAwait(false),
            SoftrActions.UserDeactivate => await ForUserAsync(call, users.DeactivateUserAsync, cancellationToken).ConfigureAwait(false),
            // Deleting a user who is already gone is what the step wanted.
            SoftrActions.UserDelete => await ForUserAsync(call, (email, token) => users.DeleteUserAsync(email, token), cancellationToken).ConfigureAwait(false),
            SoftrActions.UserMagicLink => await MagicLinkAsync(call, cancellationToken).ConfigureAwait(false),
            SoftrActions.UserSync => await SyncAsync(call, cancellationToken).ConfigureAwait(false),
            SoftrActions.RecordCreate => await CreateRecordAsync(call, beforeUnrepeatableCall, cancellationToken).ConfigureAwait(false),
            SoftrActions.RecordUpdate => await UpdateRecordAsync(call, cancellationToken).ConfigureAwait(false),
            SoftrActions.RecordDelete => await DeleteRecordAsync(call, cancellationToken).ConfigureAwait(false),
            SoftrActions.RecordUpsert => await UpsertRecordAsync(call, cancellationToken).ConfigureAwait(false),
            SoftrActions.RecordSearch => await SearchRecordAsync(call, cancellationToken).ConfigureAwait(false),
            _ => throw new PermanentFailureException(FailureCauses.Mapping, $"Unknown action '{call.Action}'."),
        };
    }

    private async Task<Dictionary<string, string?>> CreateUserAsync(StepCall call, CancellationToken cancellationToken)
    {
        var email = call.Input(SoftrActions.Email);
        var wantsLink = IsTrue(call.OptionalInput(SoftrActions.MagicLink));
        var request = new CreateUserRequest(call.Input(SoftrActions.FullName), email)
        {
            Password = call.OptionalInput(SoftrActions.Password),
            GenerateMagicLink = wantsLink ? true : null,
        };
        var result = await users.CreateUserAsync(request, cancellationToken).ConfigureAwait(false);
        var created = result.Outcome == CreateUserOutcome.Created;
        var link = result.User?.MagicLink;
        // The user was there already (an earlier event, or this one's first try): the flow still
        // needs its sign-in link, so ask for one rather than leave the later steps without it.
        if (wantsLink && link is null)
        {
            link = (await users.GenerateMagicLinkAsync(email, cancellationToken).ConfigureAwait(false)).AbsoluteUri;
        }
        return new(StringComparer.OrdinalIgnoreCase)
        {
            [SoftrActions.Email] = email,
            [SoftrActions.Created] = created ? "true" : "false",
            [SoftrActions.MagicLink] = link,
        };
    }

    private static async Task<Dictionary<string, string?>> ForUserAsync(StepCall call, Func<string, CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        var email = call.Input(SoftrActions.Email);
        await action(email, cancellationToken).ConfigureAwait(false);
        return new(StringComparer.OrdinalIgnoreCase) { [SoftrActions.Email] = email };
    }

    private async Task<Dictionary<string, string?>> MagicLinkAsync(StepCall call, CancellationToken cancellationToken)
    {
        var email = call.Input(SoftrActions.Email);
        var link = await users.GenerateMagicLinkAsync(email, cancellationToken).ConfigureAwait(false);
        return new(StringComparer.OrdinalIgnoreCase) { [SoftrActions.Email] = email, [SoftrActions.MagicLink] = link.AbsoluteUri };
    }

    private async Task<Dictionary<string, string?>> SyncAsync(StepCall call, CancellationToken cancellationToken)
    {
        var emails = call.OptionalInput(SoftrActions.Emails)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        await users.SyncUsersAsync(emails is { Length: > 0 } ? emails : null, cancellationToken).ConfigureAwait(false);
        return new(StringComparer.OrdinalIgnoreCase);
    }

    private async Task<Dictionary<string, string?>> CreateRecordAsync(StepCall call, Func<Task> beforeCreate, CancellationToken cancellationToken)
    {
        var (databaseId, tableId) = (call.Input(SoftrActions.Database), call.Input(SoftrActions.Table));
        var fields = await recordFields.MapAsync(databaseId, tableId, call.Fields, cancellationToken).ConfigureAwait(false);
        await beforeCreate().ConfigureAwait(false);
        var record = await database.CreateRecordAsync(databaseId, tableId, fields, cancellationToken: cancellationToken).ConfigureAwait(false);
        return RecordOutputs(record.Id);
    }

    private async Task<Dictionary<string, string?>> UpdateRecordAsync(StepCall call, CancellationToken cancellationToken)
    {
        var (databaseId, tableId, recordId) = (call.Input(SoftrActions.Database), call.Input(SoftrActions.Table), call.Input(SoftrActions.RecordId));
        var fields = await recordFields.MapAsync(databaseId, tableId, call.Fields, cancellationToken).ConfigureAwait(false);
        await database.UpdateRecordAsync(databaseId, tableId, recordId, fields, cancellationToken: cancellationToken).ConfigureAwait(false);
        return RecordOutputs(recordId);
    }

    private async Task<Dictionary<string, string?>> DeleteRecordAsync(StepCall call, CancellationToken cancellationToken)
    {
        var recordId = call.Input(SoftrActions.RecordId);
        // False means it was not there: already deleted, which is what the step wanted.
        await database.DeleteRecordAsync(call.Input(SoftrActions.Database), call.Input(SoftrActions.Table), recordId, cancellationToken).ConfigureAwait(false);
        return RecordOutputs(recordId);
    }

    /// <summary>Search by the key field; none: create, one: update, several: refuse (which one is meant cannot be guessed).</summary>
    private async Task<Dictionary<string, string?>> UpsertRecordAsync(StepCall call, CancellationToken cancellationToken)
    {
        var (databaseId, tableId, key) = (call.Input(SoftrActions.Database), call.Input(SoftrActions.Table), call.Input(SoftrActions.Key));
        var keyText = call.Fields.FirstOrDefault(field => string.Equals(field.Key, key, StringComparison.OrdinalIgnoreCase)).Value
            ?? throw new PermanentFailureException(FailureCauses.Mapping, $"record.upsert: the key field '{key}' is empty for this event.");
        var fields = await recordFields.MapAsync(databaseId, tableId, call.Fields, cancellationToken).ConfigureAwait(false);
        var matches = await SearchEqualAsync(databaseId, tableId, key, keyText, limit: 2, cancellationToken).ConfigureAwait(false);
        switch (matches.Total)
        {
            case 0:
                var created = await database.CreateRecordAsync(databaseId, tableId, fields, cancellationToken: cancellationToken).ConfigureAwait(false);
                return RecordOutputs(created.Id, created: true);
            case 1:
                var recordId = matches.Records[0].Id;
                await database.UpdateRecordAsync(databaseId, tableId, recordId, fields, cancellationToken: cancellationToken).ConfigureAwait(false);
                return RecordOutputs(recordId, created: false);
            default:
                throw new PermanentFailureException(FailureCauses.AmbiguousKey,
                    $"record.upsert: {matches.Total} records of table {tableId} have {key} = '{keyText}'; the key must identify one record.");
        }
    }

    private async Task<Dictionary<string, string?>> SearchRecordAsync(StepCall call, CancellationToken cancellationToken)
    {
        var page = await SearchEqualAsync(call.Input(SoftrActions.Database), call.Input(SoftrActions.Table), call.Input(SoftrActions.Field),
            call.Input(SoftrActions.Value), limit: 1, cancellationToken).ConfigureAwait(false);
        return new(StringComparer.OrdinalIgnoreCase)
        {
            [SoftrActions.RecordId] = page.Records.FirstOrDefault()?.Id,
            [SoftrActions.Count] = page.Total.ToString(CultureInfo.InvariantCulture),
        };
    }

    private async Task<RecordPage> SearchEqualAsync(string databaseId, string tableId, string field, string text, int limit, CancellationToken cancellationToken)
    {
        var (resolved, value) = await recordFields.ResolveAsync(databaseId, tableId, field, text, cancellationToken).ConfigureAwait(false);
        var search = new RecordSearch
        {
            Filter = new SearchCondition { Operator = SearchOperators.Is, LeftSide = resolved.Id, RightSide = value },
            Paging = new SearchPaging(0, limit),
        };
        return await database.SearchRecordsAsync(databaseId, tableId, search, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static Dictionary<string, string?> RecordOutputs(string recordId, bool? created = null)
    {
        var outputs = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { [SoftrActions.RecordId] = recordId };
        if (created is { } wasCreated)
        {
            outputs[SoftrActions.Created] = wasCreated ? "true" : "false";
        }
        return outputs;
    }

    private static bool IsTrue(string? text) => text?.Trim().ToUpperInvariant() is "TRUE" or "YES" or "1" or "ON";
}
