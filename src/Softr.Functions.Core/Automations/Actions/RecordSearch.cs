using FluentValidation;
using Softr.Http;

namespace Softr.Functions.Automations.Actions;

/// <summary><c>record.search</c>: the first record whose field equals the value (empty when none), and how many match.</summary>
public sealed class RecordSearch : SoftrAction<RecordSearch.Input>
{
    public override string Name => SoftrActions.RecordSearch;

    public override IReadOnlyList<SoftrOperation> Operations { get; } = [SoftrOperation.GetTable, SoftrOperation.SearchRecords];

    public override string Description => "Find records whose field equals the value: the first one's id and how many match.";

    /// <param name="Field">The field's name or id.</param>
    public sealed record Input(string Database, string Table, string Field, string Value);

    protected override IValidator<Input> Rules { get; } = new Validator();

    public override IReadOnlyList<string> Outputs => [SoftrActions.RecordId, SoftrActions.Count];

    protected override async Task<Dictionary<string, string?>> RunAsync(Input input, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        var page = await RecordSteps.SearchEqualAsync(context, input.Database, input.Table, input.Field, input.Value, limit: 1, cancellationToken).ConfigureAwait(false);
        var outputs = Results();
        outputs[SoftrActions.RecordId] = page.Records.FirstOrDefault()?.Id;
        outputs[SoftrActions.Count] = RecordSteps.Count(page.Total);
        return outputs;
    }

    public override string Describe(IReadOnlyDictionary<string, string?> outputs) => $"found {outputs?.GetValueOrDefault(SoftrActions.Count)} record(s)";

    private sealed class Validator : AbstractValidator<Input>
    {
        public Validator()
        {
            RuleFor(input => input.Database).Meets(InputRules.Id);
            RuleFor(input => input.Table).Meets(InputRules.Id);
            RuleFor(input => input.Field).Meets(InputRules.FieldName);
            RuleFor(input => input.Value).Meets(InputRules.FieldValue);
        }
    }
}
