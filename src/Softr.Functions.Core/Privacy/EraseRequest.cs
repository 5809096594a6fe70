using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace Softr.Functions.Privacy;

/// <summary>
/// An erase request's body: <c>{"email": "...", "softr": ...}</c>. <c>softr</c> absent or <c>false</c> leaves Softr alone;
/// <c>true</c> deletes the person's user in every Softr app served; a list of connection names, in those only (an agency's
/// portals may belong to different clients, each answering its own people's requests).
/// </summary>
/// <param name="InApps">The apps named, when <c>softr</c> is a list; null for every app.</param>
public sealed record EraseRequest(string Email, bool DeleteSoftrUser, IReadOnlyList<string>? InApps)
{
    /// <summary>The request, or the problem that answers it: nothing is erased on a request that is not understood whole.</summary>
    /// <param name="softrApps">The connections whose apps a user can be deleted from (<see cref="PersonEraser.SoftrApps"/>).</param>
    public static (EraseRequest? Request, ProblemDetails? Problem) Read(JsonElement body, IReadOnlyList<string> softrApps)
    {
        ArgumentNullException.ThrowIfNull(softrApps);
        // The one e-mail rule, as the index found the address: what it could not have indexed cannot be erased by it.
        var email = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("email", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (string.IsNullOrWhiteSpace(email) || !EmailAddresses.IsRecognised(email))
        {
            return (null, ApiProblems.EraseNeedsEmail());
        }
        if (!body.TryGetProperty("softr", out var softr) || softr.ValueKind is JsonValueKind.False or JsonValueKind.Null)
        {
            return (new EraseRequest(email, false, null), null);
        }
        if (softr.ValueKind == JsonValueKind.True)
        {
            return (new EraseRequest(email, true, null), null);
        }
        if (softr.ValueKind != JsonValueKind.Array || softr.EnumerateArray().Any(app => app.ValueKind != JsonValueKind.String))
        {
            return (null, ApiProblems.EraseBadSoftr("must be true, false or a list of names", softrApps));
        }
        List<string> named = [.. softr.EnumerateArray().Select(app => app.GetString()!.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)];
        var unknown = named.Except(softrApps, StringComparer.OrdinalIgnoreCase).ToList();
        if (named.Count == 0 || unknown.Count > 0)
        {
            return (null, ApiProblems.EraseBadSoftr(named.Count == 0 ? "is an empty list" : $"names {string.Join(", ", unknown.Select(name => $"'{name}'"))}, not a connection with a domain", softrApps));
        }
        return (new EraseRequest(email, true, named), null);
    }
}
