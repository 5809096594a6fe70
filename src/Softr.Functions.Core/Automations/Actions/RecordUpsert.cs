using FluentValidation;
using Softr.Functions.Processing;
using Softr.Http;

namespace Softr.Functions.Automations.Actions;

/// <summary>
/// <c>record.upsert</c>: searches by the key field; none: create, one: update, several: refuse (which one
/// is meant cannot be guessed). Safe to repeat: a repeat finds what the first run created. The search
/// and the write hold the key's lock (<see cref="KeyLocks"/>), so events with the same key at once, on
/// any instance and from any hook, take turns: the first creates, the others update. A writer that is not
/// ours (a person in Softr, another tool) can still create between the search and the create: where the key
/// field is unique, Softr answers 409 CONSTRAINT_VIOLATION, and the upsert searches again and updates theirs.
/// </summary>
public sealed class RecordUpsert : SoftrAction<RecordUpsert.Input>
{
    public override string Name => SoftrActions.RecordUpsert;

    public override IReadOnlyList<SoftrOperation> Operations { get; } = [SoftrOperation.GetTable, SoftrOperation.SearchRecords, SoftrOperation.CreateRecord, SoftrOperation.UpdateRecord];

    public override string Description => "Find the record whose key field equals its mapped value: update it, or create one when there is none; several fail the step.";

    /// <param name="Key">The field (one of <paramref name="Fields"/>) whose value identifies the record.</param>
    public sealed record Input(string Database, string Table, string Key, IReadOnlyDictionary<string, string> Fields);

    protected override IValidator<Input> Rules { get; } = new Validator();

    public override string RepeatsSafelyBecause => "a repeat searches by the key first, under the key's lock, and updates what the first run created";

    public override IReadOnlyList<string> Outputs => [SoftrActions.RecordId, SoftrActions.Created];

    protected override async Task<Dictionary<string, string?>> RunAsync(Input input, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        var (databaseId, tableId, key) = (input.Database, input.Table, input.Key);
        var keyText = input.Fields.FirstOrDefault(field => string.Equals(field.Key, key, StringComparison.OrdinalIgnoreCase)).Value
            ?? throw new PermanentFailureException(FailureCauses.Mapping, $"record.upsert: the key field '{key}' is empty for this event.");
        var fields = await context.RecordFields.MapAsync(databaseId, tableId, input.Fields, cancellationToken).ConfigureAwait(false);
        // Per table and key value, not per hook: two hooks writing one table by one key would race just the same.
        await using var keyLock = await context.Locks.AcquireAsync($"{databaseId}|{tableId}|{key.ToUpperInvariant()}|{keyText}", cancellationToken).ConfigureAwait(false);
        var matches = await RecordSteps.SearchEqualAsync(context, databaseId, tableId, key, keyText, limit: 2, cancellationToken).ConfigureAwait(false);
        switch (matches.Total)
        {
            case 0:
                try
                {
                    var created = await context.Database.CreateRecordAsync(databaseId, tableId, fields, cancellationToken: cancellationToken).ConfigureAwait(false);
                    return RecordSteps.Outputs(created.Id, created: true);
                }
                catch (SoftrApiException conflict) when (conflict.StatusCode == System.Net.HttpStatusCode.Conflict)
                {
                    // Another writer (not one of ours: they take this lock) created the record since the search: update theirs.
                    var winner = await RecordSteps.SearchEqualAsync(context, databaseId, tableId, key, keyText, limit: 2, cancellationToken).ConfigureAwait(false);
                    if (winner.Total != 1)
                    {
                        throw;
                    }
                    await context.Database.UpdateRecordAsync(databaseId, tableId, winner.Records[0].Id, fields, cancellationToken: cancellationToken).ConfigureAwait(false);
                    return RecordSteps.Outputs(winner.Records[0].Id, created: false);
                }
            case 1:
                var recordId = matches.Records[0].Id;
                await context.Database.UpdateRecordAsync(databaseId, tableId, recordId, fields, cancellationToken: cancellationToken).ConfigureAwait(false);
                return RecordSteps.Outputs(recordId, created: false);
            default:
                // The key's value is not repeated here: it may be an e-mail, and this text reaches statuses and logs.
                throw new PermanentFailureException(FailureCauses.AmbiguousKey,
                    $"record.upsert: {matches.Total} records of table {tableId} have the same {key}; the key must identify one record.");
        }
    }

    public override string Describe(IReadOnlyDictionary<string, string?> outputs) =>
        outputs?.GetValueOrDefault(SoftrActions.Created) == "true" ? "created the record" : "updated the record";

    private sealed class Validator : AbstractValidator<Input>
    {
        public Validator()
        {
            RuleFor(input => input.Database).Meets(InputRules.Id);
            RuleFor(input => input.Table).Meets(InputRules.Id);
            RuleFor(input => input.Key).Meets(InputRules.FieldName);
            RuleFor(input => input.Fields).AreRecordFields();
        }
    }
}
