using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;

namespace Softr.Functions.App;

/// <summary>
/// What a key-protected route asks of a request beyond the key itself, the same in Azure
/// (<see cref="HttpRequestPolicyMiddleware"/>) and on the local host:
/// <list type="bullet">
/// <item>the key in the <c>x-functions-key</c> header only. A key in the URL (<c>?code=</c>) ends up in
/// browser history, proxy and access logs and <c>Referer</c> headers, and a link is all a forged request
/// needs: refused, even when it is the right key;</item>
/// <item>an admin <c>POST</c> declares <c>application/json</c>. A browser sends that to another site only after
/// a CORS preflight, which this app never grants, so a web page the operator visits cannot drive the admin API.</item>
/// </list>
/// </summary>
public static class KeyedRequestPolicy
{
    /// <summary>The query parameter Azure Functions would otherwise take a key from.</summary>
    public const string QueryKeyParameter = "code";

    /// <summary>Null when the request may go on; otherwise the problem to answer.</summary>
    public static ProblemDetails? Check(HttpRequest request, AuthorizationLevel level)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (level == AuthorizationLevel.Anonymous)
        {
            return null;
        }
        if (request.Query.ContainsKey(QueryKeyParameter))
        {
            return ApiProblems.KeyInQuery();
        }
        if (level == AuthorizationLevel.Admin && HttpMethods.IsPost(request.Method) && !IsJson(request.ContentType))
        {
            return ApiProblems.JsonRequired();
        }
        return null;
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) && parsed.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);
}
