using Softr.Functions.App;

namespace Softr.Functions.Tests.App;

/// <summary>The console's chart library is uPlot exactly as npm ships it (pinned in package.json, checked by package-lock.json).</summary>
public sealed class ConsoleAssetsTests
{
    [Theory]
    [InlineData("uPlot.iife.min.js", "dist/uPlot.iife.min.js")]
    [InlineData("uPlot.min.css", "dist/uPlot.min.css")]
    [InlineData("uPlot.LICENSE", "LICENSE")]
    public void TheVendoredCopy_IsTheNpmPackagesFile(string vendored, string packaged)
    {
        var fromNpm = Path.Combine(TestPaths.RepositoryRoot, "node_modules", "uplot", packaged);
        Assert.True(File.Exists(fromNpm), $"{fromNpm} is missing: run npm ci (test.sh does).");

        var copy = File.ReadAllBytes(Path.Combine(TestPaths.RepositoryRoot, "src", "Softr.Functions.App", "Console", "vendor", vendored));

        Assert.Equal(File.ReadAllBytes(fromNpm), copy);
    }

    [Fact]
    public void ThePackagePinnedForTheCopy_IsTheOneInstalled()
    {
        var pinned = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "package.json")))
            .RootElement.GetProperty("devDependencies").GetProperty("uplot").GetString();
        var installed = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "node_modules", "uplot", "package.json")))
            .RootElement.GetProperty("version").GetString();

        Assert.Equal(pinned, installed);
    }

    [Theory]
    [InlineData("console.html")]
    [InlineData("console.js")]
    [InlineData("console.css")]
    [InlineData("vendor.uPlot.iife.min.js")]
    public void EveryConsoleFile_IsEmbeddedInTheFunctionApp(string resource) =>
        Assert.NotEmpty(ConsoleFunction.Read(resource));
}
