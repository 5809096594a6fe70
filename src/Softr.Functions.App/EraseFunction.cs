using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Softr.Functions.Privacy;

namespace Softr.Functions.App;

/// <summary>
/// <c>POST /api/manage/erase</c> with <c>{"email": "...", "softr": false}</c>: erases every event, dead letter
/// and payload blob holding that person's e-mail, leaving tombstones that drop any late copy, and answers with
/// what it deleted; <c>"softr": true</c> deletes their Softr user too, in every Softr app served, and a list of
/// connection names in those only (<see cref="EraseRequest"/>); <c>?dryRun=true</c> lists without deleting.
/// Admin-level (the master key). The answer to a data-subject request (README, "Data and privacy").
/// </summary>
public sealed class EraseFunction(PersonEraser eraser)
{
    public const string Name = "ErasePerson";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "manage/erase")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonElement body = default;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // Not JSON: no address, answered as one.
        }
        var (erase, problem) = EraseRequest.Read(body, eraser.SoftrApps);
        if (erase is null)
        {
            return WebhookResponses.Problem(problem!);
        }
        return new OkObjectResult(await eraser.EraseAsync(erase.Email, AdminQuery.IsDryRun(request), cancellationToken, erase.DeleteSoftrUser, erase.InApps));
    }
}
