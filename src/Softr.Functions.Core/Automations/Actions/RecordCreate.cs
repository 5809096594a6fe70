using Softr.Functions.Processing;
using Softr.Http;

namespace Softr.Functions.Automations.Actions;

/// <summary><c>record.create</c>: a new record. Not repeated after an unknown outcome (a second record); prefer <c>record.upsert</c>.</summary>
public sealed class RecordCreate : SoftrAction
{
    public override string Name => SoftrActions.RecordCreate;

    public override IReadOnlyList<SoftrOperation> Operations { get; } = [SoftrOperation.GetTable, SoftrOperation.CreateRecord];

    public override string Description => "Create a record with the mapped Fields. Not repeated after an unknown outcome: prefer record.upsert.";

    public override IReadOnlyList<ActionInput> Inputs { get; } = [RecordSteps.Database, RecordSteps.Table];

    public override bool TakesFields => true;

    public override IReadOnlyList<string> Outputs => [SoftrActions.RecordId];

    public override async Task<Dictionary<string, string?>> RunAsync(StepCall call, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(context);
        var (databaseId, tableId) = (call.Input(SoftrActions.Database), call.Input(SoftrActions.Table));
        var fields = await context.RecordFields.MapAsync(databaseId, tableId, call.Fields, cancellationToken).ConfigureAwait(false);
        var record = await context.Database.CreateRecordAsync(databaseId, tableId, fields, cancellationToken: cancellationToken).ConfigureAwait(false);
        return RecordSteps.Outputs(record.Id);
    }
}
