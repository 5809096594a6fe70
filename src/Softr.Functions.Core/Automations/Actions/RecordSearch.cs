using Softr.Functions.Processing;
using Softr.Http;

namespace Softr.Functions.Automations.Actions;

/// <summary><c>record.search</c>: the first record whose field equals the value (empty when none), and how many match.</summary>
public sealed class RecordSearch : SoftrAction
{
    public override string Name => SoftrActions.RecordSearch;

    public override IReadOnlyList<SoftrOperation> Operations { get; } = [SoftrOperation.GetTable, SoftrOperation.SearchRecords];

    public override string Description => "Find records whose field equals the value: the first one's id and how many match.";

    public override IReadOnlyList<ActionInput> Inputs { get; } =
    [
        RecordSteps.Database, RecordSteps.Table,
        Input(SoftrActions.Field, InputRules.FieldName),
        Input(SoftrActions.Value, InputRules.FieldValue),
    ];

    public override IReadOnlyList<string> Outputs => [SoftrActions.RecordId, SoftrActions.Count];

    public override async Task<Dictionary<string, string?>> RunAsync(StepCall call, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(context);
        var page = await RecordSteps.SearchEqualAsync(context, call.Input(SoftrActions.Database), call.Input(SoftrActions.Table), call.Input(SoftrActions.Field),
            call.Input(SoftrActions.Value), limit: 1, cancellationToken).ConfigureAwait(false);
        var outputs = Results();
        outputs[SoftrActions.RecordId] = page.Records.FirstOrDefault()?.Id;
        outputs[SoftrActions.Count] = RecordSteps.Count(page.Total);
        return outputs;
    }

    public override string Describe(IReadOnlyDictionary<string, string?> outputs) => $"found {outputs?.GetValueOrDefault(SoftrActions.Count)} record(s)";
}
