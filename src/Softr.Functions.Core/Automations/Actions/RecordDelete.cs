using FluentValidation;
using Softr.Http;

namespace Softr.Functions.Automations.Actions;

/// <summary><c>record.delete</c>: deletes one record; one already gone is what the step wanted.</summary>
public sealed class RecordDelete : SoftrAction<RecordDelete.Input>
{
    public override string Name => SoftrActions.RecordDelete;

    public override IReadOnlyList<SoftrOperation> Operations { get; } = [SoftrOperation.DeleteRecord];

    public override string Description => "Delete a record; one already gone is a success.";

    public sealed record Input(string Database, string Table, string RecordId);

    protected override IValidator<Input> Rules { get; } = new Validator();

    public override IReadOnlyList<string> Outputs => [SoftrActions.RecordId];

    protected override async Task<Dictionary<string, string?>> RunAsync(Input input, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        // False means it was not there: already deleted, which is what the step wanted.
        await context.Database.DeleteRecordAsync(input.Database, input.Table, input.RecordId, cancellationToken).ConfigureAwait(false);
        return RecordSteps.Outputs(input.RecordId);
    }

    private sealed class Validator : AbstractValidator<Input>
    {
        public Validator()
        {
            RuleFor(input => input.Database).Meets(InputRules.Id);
            RuleFor(input => input.Table).Meets(InputRules.Id);
            RuleFor(input => input.RecordId).Meets(InputRules.Id);
        }
    }
}
