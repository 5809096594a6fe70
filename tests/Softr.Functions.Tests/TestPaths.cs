using System.Reflection;

namespace Softr.Functions.Tests;

/// <summary>Paths baked in at build time by the test project file.</summary>
internal static class TestPaths
{
    public static string FunctionAppOutputDirectory => Path.GetFullPath(Metadata("FunctionAppOutputDirectory"));

    public static string RepositoryRoot => Path.GetFullPath(Metadata("RepositoryRoot"));

    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(attribute => attribute.Key == key).Value!;
}
