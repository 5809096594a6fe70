using Softr.Functions.Processing;
using Softr.Http;

namespace Softr.Functions.Automations.Actions;

/// <summary><c>record.delete</c>: deletes one record; one already gone is what the step wanted.</summary>
public sealed class RecordDelete : SoftrAction
{
    public override string Name => SoftrActions.RecordDelete;

    public override IReadOnlyList<SoftrOperation> Operations { get; } = [SoftrOperation.DeleteRecord];

    public override string Description => "Delete a record; one already gone is a success.";

    public override IReadOnlyList<ActionInput> Inputs { get; } = [RecordSteps.Database, RecordSteps.Table, RecordSteps.RecordId];

    public override IReadOnlyList<string> Outputs => [SoftrActions.RecordId];

    public override async Task<Dictionary<string, string?>> RunAsync(StepCall call, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(context);
        var recordId = call.Input(SoftrActions.RecordId);
        // False means it was not there: already deleted, which is what the step wanted.
        await context.Database.DeleteRecordAsync(call.Input(SoftrActions.Database), call.Input(SoftrActions.Table), recordId, cancellationToken).ConfigureAwait(false);
        return RecordSteps.Outputs(recordId);
    }
}
