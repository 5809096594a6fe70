using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Softr.Functions.Processing;

namespace Softr.Functions.App;

/// <summary>
/// Dead letters and replay, admin-level (the master key). Every call takes <c>?dryRun=true</c> to list
/// what it would do without doing it.
/// <list type="bullet">
/// <item><c>GET /api/manage/dead-letters?cause=&amp;hook=&amp;from=&amp;to=&amp;limit=&amp;next=</c>: a page of dead letters,
/// oldest first, <c>{"items": [...], "next": ...}</c> (<c>limit</c> 100 by default, at most 1,000; <c>next</c> from the previous page);</item>
/// <item><c>POST /api/manage/events/{id}/replay</c>: one event;</item>
/// <item><c>POST /api/manage/dead-letters/replay?cause=&amp;hook=&amp;from=&amp;to=&amp;limit=&amp;next=</c>: every match, read a
/// page at a time; with <c>limit</c>, that many at most and a <c>next</c> to go on from.</item>
/// </list>
/// </summary>
public sealed class ReplayFunctions(EventReplayer replayer, DeadLetterStore deadLetters)
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
        if (!TryReadFilter(request, out var filter, out var problem) || !TryReadPaging(request, DeadLetterStore.DefaultPageSize, out var limit, out var next, out problem))
        {
            return problem;
        }
        try
        {
            return new OkObjectResult(await deadLetters.ListAsync(filter, limit!.Value, next, cancellationToken));
        }
        catch (ArgumentException bad) when (bad.ParamName == "cursor")
        {
            return BadCursor();
        }
    }

    [Function(ReplayOneName)]
    public async Task<IActionResult> ReplayOneAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "manage/events/{id}/replay")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var item = await replayer.ReplayAsync(id, IsDryRun(request), cancellationToken);
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
        if (!TryReadFilter(request, out var filter, out var problem) || !TryReadPaging(request, null, out var limit, out var next, out problem))
        {
            return problem;
        }
        try
        {
            return new OkObjectResult(await replayer.ReplayMatchingAsync(filter, IsDryRun(request), limit, next, cancellationToken));
        }
        catch (ArgumentException bad) when (bad.ParamName == "cursor")
        {
            return BadCursor();
        }
    }

    private static bool IsDryRun(HttpRequest request) =>
        bool.TryParse(request.Query["dryRun"].ToString(), out var dryRun) && dryRun;

    private static bool TryReadFilter(HttpRequest request, out DeadLetterFilter filter, out IActionResult problem)
    {
        filter = new DeadLetterFilter(NullIfEmpty(request.Query["cause"]), NullIfEmpty(request.Query["hook"]));
        problem = null!;
        foreach (var bound in new[] { "from", "to" })
        {
            var text = request.Query[bound].ToString();
            if (text.Length == 0)
            {
                continue;
            }
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                problem = WebhookResponses.Problem(ApiProblems.BadTime(bound));
                return false;
            }
            filter = bound == "from" ? filter with { From = at } : filter with { To = at };
        }
        return true;
    }

    /// <param name="defaultLimit">The limit when none is given; null for none (go through every match).</param>
    private static bool TryReadPaging(HttpRequest request, int? defaultLimit, out int? limit, out string? next, out IActionResult problem)
    {
        limit = defaultLimit;
        next = NullIfEmpty(request.Query["next"]);
        problem = null!;
        var text = request.Query["limit"].ToString();
        if (text.Length == 0)
        {
            return true;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var asked) || asked is < 1 or > DeadLetterStore.MaxPageSize)
        {
            problem = WebhookResponses.Problem(ApiProblems.BadLimit(DeadLetterStore.MaxPageSize));
            return false;
        }
        limit = asked;
        return true;
    }

    private static ObjectResult BadCursor() => WebhookResponses.Problem(ApiProblems.BadCursor());

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value) => value.Count == 0 || value.ToString().Length == 0 ? null : value.ToString();
}
