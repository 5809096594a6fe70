using FluentValidation;
using Softr.Http;

namespace Softr.Functions.Automations.Actions;

/// <summary><c>record.update</c>: writes the mapped fields to one record (fields that render empty are left as they are).</summary>
public sealed class RecordUpdate : SoftrAction<RecordUpdate.Input>
{
    public override string Name => SoftrActions.RecordUpdate;

    public override IReadOnlyList<SoftrOperation> Operations { get; } = [SoftrOperation.GetTable, SoftrOperation.UpdateRecord];

    public override string Description => "Update a record's mapped Fields; fields that render empty are left as they are.";

    public sealed record Input(string Database, string Table, string RecordId, IReadOnlyDictionary<string, string> Fields);

    protected override IValidator<Input> Rules { get; } = new Validator();

    public override IReadOnlyList<string> Outputs => [SoftrActions.RecordId];

    protected override async Task<Dictionary<string, string?>> RunAsync(Input input, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        var (databaseId, tableId, recordId) = (input.Database, input.Table, input.RecordId);
        var fields = await context.RecordFields.MapAsync(databaseId, tableId, input.Fields, cancellationToken).ConfigureAwait(false);
        await context.Database.UpdateRecordAsync(databaseId, tableId, recordId, fields, cancellationToken: cancellationToken).ConfigureAwait(false);
        return RecordSteps.Outputs(recordId);
    }

    private sealed class Validator : AbstractValidator<Input>
    {
        public Validator()
        {
            RuleFor(input => input.Database).Meets(InputRules.Id);
            RuleFor(input => input.Table).Meets(InputRules.Id);
            RuleFor(input => input.RecordId).Meets(InputRules.Id);
            RuleFor(input => input.Fields).AreRecordFields();
        }
    }
}
