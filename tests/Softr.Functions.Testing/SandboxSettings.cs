namespace Softr.Functions.Testing;

/// <summary>The settings that point the app's Softr client at a sandbox, as every test host and benchmark sets them.</summary>
public static class SandboxSettings
{
    public static Dictionary<string, string?> For(Uri sandbox, string apiKey, string domain) => new()
    {
        ["Softr:ApiKey"] = apiKey,
        ["Softr:Domain"] = domain,
        ["Softr:UsersApiBaseUrl"] = $"{sandbox}v1/api/",
        ["Softr:DatabaseApiBaseUrl"] = $"{sandbox}api/v1/",
    };
}
