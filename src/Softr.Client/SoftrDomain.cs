namespace Softr;

/// <summary>
/// Softr expects <c>Softr-Domain</c> to be a bare host name. People paste the app's URL, so the
/// scheme, any path and a trailing slash are removed here, once, instead of failing with a 401.
/// </summary>
public static class SoftrDomain
{
    /// <summary>The host name (and port, if any) of <paramref name="domain"/>, without scheme, path or surrounding spaces.</summary>
    /// <param name="domain">A domain as a person may paste it (<c>https://portal.example.com/</c>).</param>
    public static string Normalize(string domain)
    {
        var trimmed = domain.Trim();
        if (Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) && uri.Host.Length > 0)
        {
            return uri.Authority;
        }
        return trimmed.TrimEnd('/');
    }
}
