namespace Softr;

/// <summary>The request headers both Softr APIs read.</summary>
public static class SoftrHeaders
{
    public const string ApiKey = "Softr-Api-Key";
    public const string Domain = "Softr-Domain";
}
