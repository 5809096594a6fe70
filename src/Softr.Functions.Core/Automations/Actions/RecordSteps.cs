using System.Globalization;
using Softr.Database;

namespace Softr.Functions.Automations.Actions;

/// <summary>What the record actions share: their results, and a search for one field's value.</summary>
internal static class RecordSteps
{
    public static Dictionary<string, string?> Outputs(string recordId, bool? created = null)
    {
        var outputs = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { [SoftrActions.RecordId] = recordId };
        if (created is { } wasCreated)
        {
            outputs[SoftrActions.Created] = wasCreated ? "true" : "false";
        }
        return outputs;
    }

    /// <summary>Records whose <paramref name="field"/> (a name or an id) equals <paramref name="text"/>, typed by the field.</summary>
    public static async Task<RecordPage> SearchEqualAsync(StepContext context, string databaseId, string tableId, string field, string text, int limit,
        CancellationToken cancellationToken)
    {
        var (resolved, value) = await context.RecordFields.ResolveAsync(databaseId, tableId, field, text, cancellationToken).ConfigureAwait(false);
        var search = new Softr.Database.RecordSearch
        {
            Filter = new SearchCondition { Operator = SearchOperators.Is, LeftSide = resolved.Id, RightSide = value },
            Paging = new SearchPaging(0, limit),
        };
        return await context.Database.SearchRecordsAsync(databaseId, tableId, search, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public static string Count(int total) => total.ToString(CultureInfo.InvariantCulture);
}
