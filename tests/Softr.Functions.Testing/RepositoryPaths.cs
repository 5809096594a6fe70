using System.Reflection;

namespace Softr.Functions.Testing;

/// <summary>The repository's root, baked in at build time by the project file (the docs, recipes and node_modules the tests read).</summary>
public static class RepositoryPaths
{
    public static string Root => Path.GetFullPath(
        typeof(RepositoryPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(attribute => attribute.Key == "RepositoryRoot").Value!);
}
