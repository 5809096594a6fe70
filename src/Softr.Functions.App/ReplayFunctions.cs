using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Softr.Functions.Processing;

namespace Softr.Functions.App;

/// <summary>
/// Dead letters and replay, admin-level (the master key). Every call takes <c>?dryRun=true</c> to list
/// what it would do without doing it.
/// <list type="bullet">
/// <item><c>GET /api/manage/dead-letters?cause=&amp;hook=&amp;connection=&amp;from=&amp;to=&amp;limit=&amp;next=</c>: a page of dead letters,
/// oldest first, <c>{"items": [...], "next": ...}</c> (<c>limit</c> 100 by default, at most 1,000; <c>next</c> from the previous page);</item>
/// <item><c>POST /api/manage/events/{id}/replay</c>: one event;</item>
/// <item><c>POST /api/manage/dead-letters/replay?cause=&amp;hook=&amp;connection=&amp;from=&amp;to=&amp;limit=&amp;next=</c>: every match, read a
/// page at a time; with <c>limit</c>, that many at most and a <c>next</c> to go on from.</item>
/// </list>
/// <c>connection</c> takes the letters of the hooks whose automations call that Softr connection.
/// </summary>
public sealed class ReplayFunctions(EventReplayer replayer, DeadLetterStore deadLetters, Webhooks.HookCatalog catalog)
{
    public const string ListName = "ListDeadLetters";
    public const string ReplayOneName = "ReplayEvent";
    public const string ReplayManyName = "ReplayDeadLetters";

    [Function(ListName)]
    public async Task<IActionResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "manage/dead-letters")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!TryReadFilter(request, catalog, DeadLetterStore.DefaultPageSize, out var filter, out var limit, out var next, out var problem))
        {
            return problem;
        }
        try
        {
            return new OkObjectResult(await deadLetters.ListAsync(filter, limit!.Value, next, cancellationToken));
        }
        catch (ArgumentException bad) when (bad.ParamName == "cursor")
        {
            return AdminQuery.BadCursor();
        }
    }

    [Function(ReplayOneName)]
    public async Task<IActionResult> ReplayOneAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "manage/events/{id}/replay")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var item = await replayer.ReplayAsync(id, AdminQuery.IsDryRun(request), cancellationToken);
        return item is null
            ? WebhookResponses.Problem(ApiProblems.NotDeadLettered(id))
            : new OkObjectResult(item);
    }

    [Function(ReplayManyName)]
    public async Task<IActionResult> ReplayManyAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "manage/dead-letters/replay")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!TryReadFilter(request, catalog, null, out var filter, out var limit, out var next, out var problem))
        {
            return problem;
        }
        try
        {
            return new OkObjectResult(await replayer.ReplayMatchingAsync(filter, AdminQuery.IsDryRun(request), limit, next, cancellationToken));
        }
        catch (ArgumentException bad) when (bad.ParamName == "cursor")
        {
            return AdminQuery.BadCursor();
        }
    }

    /// <summary>The dead-letter filter (<c>cause</c>, <c>hook</c>, <c>connection</c>, <c>from</c>, <c>to</c>) and paging (<c>limit</c>, <c>next</c>).</summary>
    internal static bool TryReadFilter(HttpRequest request, Webhooks.HookCatalog catalog, int? defaultLimit, out DeadLetterFilter filter, out int? limit, out string? next,
        out IActionResult problem)
    {
        filter = new DeadLetterFilter(AdminQuery.Text(request, "cause"), AdminQuery.Text(request, "hook"), Hooks: AdminQuery.HooksOfConnection(request, catalog));
        next = AdminQuery.Text(request, "next");
        limit = null;
        if (!AdminQuery.TryReadTimes(request, out var from, out var to, out problem)
            || !AdminQuery.TryReadCount(request, "limit", defaultLimit, DeadLetterStore.MaxPageSize, ApiProblems.BadLimit, out limit, out problem))
        {
            return false;
        }
        filter = filter with { From = from, To = to };
        return true;
    }
}
