using Softr.Functions.Processing;
using Softr.Http;

namespace Softr.Functions.Automations.Actions;

/// <summary><c>record.update</c>: writes the mapped fields to one record (fields that render empty are left as they are).</summary>
public sealed class RecordUpdate : SoftrAction
{
    public override string Name => SoftrActions.RecordUpdate;

    public override IReadOnlyList<SoftrOperation> Operations { get; } = [SoftrOperation.GetTable, SoftrOperation.UpdateRecord];

    public override string Description => "Update a record's mapped Fields; fields that render empty are left as they are.";

    public override IReadOnlyList<ActionInput> Inputs { get; } = [RecordSteps.Database, RecordSteps.Table, RecordSteps.RecordId];

    public override bool TakesFields => true;

    public override IReadOnlyList<string> Outputs => [SoftrActions.RecordId];

    public override async Task<Dictionary<string, string?>> RunAsync(StepCall call, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(context);
        var (databaseId, tableId, recordId) = (call.Input(SoftrActions.Database), call.Input(SoftrActions.Table), call.Input(SoftrActions.RecordId));
        var fields = await context.RecordFields.MapAsync(databaseId, tableId, call.Fields, cancellationToken).ConfigureAwait(false);
        await context.Database.UpdateRecordAsync(databaseId, tableId, recordId, fields, cancellationToken: cancellationToken).ConfigureAwait(false);
        return RecordSteps.Outputs(recordId);
    }
}
