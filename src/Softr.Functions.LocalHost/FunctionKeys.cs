using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Mvc;

namespace Softr.Functions.LocalHost;

/// <summary>
/// Function-level and admin-level HTTP functions need a key here as they do in Azure: the key in the
/// <c>x-functions-key</c> header (never in the URL: <see cref="App.KeyedRequestPolicy"/>). The local host has one key,
/// <see cref="SettingName"/>, standing for both Azure's master key and its function keys. Without
/// it set, such functions refuse every call (fail closed).
/// </summary>
public static class FunctionKeys
{
    public const string SettingName = "LocalHost:MasterKey";
    public const string Header = "x-functions-key";

    public static bool IsAuthorized(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var expected = context.RequestServices.GetRequiredService<IConfiguration>()[SettingName];
        var given = context.Request.Headers.TryGetValue(Header, out var header) ? header.ToString() : null;
        if (string.IsNullOrEmpty(expected) || string.IsNullOrEmpty(given))
        {
            return false;
        }
        // Hashes first: equal lengths for the constant-time comparison, whatever was sent.
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(given)));
    }

    public static ProblemDetails Unauthorized() => ApiProblems.KeyRequired(Header);
}
