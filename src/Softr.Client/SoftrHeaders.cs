namespace Softr;

/// <summary>The request headers both Softr APIs read.</summary>
public static class SoftrHeaders
{
    /// <summary>The header carrying the API key. A credential: never log it.</summary>
    public const string ApiKey = "Softr-Api-Key";

    /// <summary>The header naming the app's domain, which the Users API requires.</summary>
    public const string Domain = "Softr-Domain";
}
