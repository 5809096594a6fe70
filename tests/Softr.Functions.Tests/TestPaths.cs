using System.Reflection;

namespace Softr.Functions.Tests;

/// <summary>The function app's build output, baked in at build time by the test project file, and the repository root (RepositoryPaths, shared).</summary>
internal static class TestPaths
{
    public static string FunctionAppOutputDirectory => Path.GetFullPath(Metadata("FunctionAppOutputDirectory"));

    public static string RepositoryRoot => Softr.Functions.Testing.RepositoryPaths.Root;

    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(attribute => attribute.Key == key).Value!;
}
