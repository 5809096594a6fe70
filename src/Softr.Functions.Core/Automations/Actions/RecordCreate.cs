using FluentValidation;
using Softr.Http;

namespace Softr.Functions.Automations.Actions;

/// <summary><c>record.create</c>: a new record. Not repeated after an unknown outcome (a second record); prefer <c>record.upsert</c>.</summary>
public sealed class RecordCreate : SoftrAction<RecordCreate.Input>
{
    public override string Name => SoftrActions.RecordCreate;

    public override IReadOnlyList<SoftrOperation> Operations { get; } = [SoftrOperation.GetTable, SoftrOperation.CreateRecord];

    public override string Description => "Create a record with the mapped Fields. Not repeated after an unknown outcome: prefer record.upsert.";

    public sealed record Input(string Database, string Table, IReadOnlyDictionary<string, string> Fields);

    protected override IValidator<Input> Rules { get; } = new Validator();

    public override IReadOnlyList<string> Outputs => [SoftrActions.RecordId];

    protected override async Task<Dictionary<string, string?>> RunAsync(Input input, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        var (databaseId, tableId) = (input.Database, input.Table);
        var fields = await context.RecordFields.MapAsync(databaseId, tableId, input.Fields, cancellationToken).ConfigureAwait(false);
        var record = await context.Database.CreateRecordAsync(databaseId, tableId, fields, cancellationToken: cancellationToken).ConfigureAwait(false);
        return RecordSteps.Outputs(record.Id);
    }

    private sealed class Validator : AbstractValidator<Input>
    {
        public Validator()
        {
            RuleFor(input => input.Database).Meets(InputRules.Id);
            RuleFor(input => input.Table).Meets(InputRules.Id);
            RuleFor(input => input.Fields).AreRecordFields();
        }
    }
}
