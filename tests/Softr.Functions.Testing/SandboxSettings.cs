namespace Softr.Functions.Testing;

/// <summary>The settings that point the app's Softr client at a sandbox, as every test host and benchmark sets them.</summary>
public static class SandboxSettings
{
    /// <summary>
    /// The shipped <c>signup</c> hook's secret in test hosts: the local run's documented demo secret is
    /// refused with any Softr key but the sandbox's own, and test hosts use keys of their own.
    /// </summary>
    public const string SignupSecret = "test-signup-secret-0123456789";

    public static Dictionary<string, string?> For(Uri sandbox, string apiKey, string domain) => new()
    {
        ["SIGNUP_HOOK_SECRET"] = SignupSecret,
        ["Softr:ApiKey"] = apiKey,
        ["Softr:Domain"] = domain,
        ["Softr:UsersApiBaseUrl"] = $"{sandbox}v1/api/",
        ["Softr:DatabaseApiBaseUrl"] = $"{sandbox}api/v1/",
    };
}
