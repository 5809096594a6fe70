using Softr.Functions.Testing;

namespace Softr.Functions.Tests.LocalHost;

/// <summary>
/// Issue #23, item 1.6: the local run's admin key is random, made on the first run, kept in
/// <c>.run/master-key</c> for its owner only, and the same on every later run (scripts/lib.sh, used by run.sh).
/// </summary>
public sealed class MasterKeyScriptTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("master-key-").FullName;

    [Fact]
    public void TheFirstRun_MakesARandomKeyForItsOwnerOnly_AndLaterRunsKeepIt()
    {
        var first = EnsureKey();
        var second = EnsureKey();
        Directory.Delete(Path.Combine(_folder, ".run"), recursive: true);
        var elsewhere = EnsureKey();

        Assert.Matches("^[A-Za-z0-9]{24,}$", first);
        Assert.Equal(first, second);
        Assert.NotEqual(first, elsewhere);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_folder, ".run", "master-key")));
        }
        Assert.DoesNotContain("local-master-key", File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "src", "Softr.Functions.LocalHost", "defaults.json")), StringComparison.Ordinal);
    }

    private string EnsureKey()
    {
        var lib = Path.Combine(TestPaths.RepositoryRoot, "scripts", "lib.sh");
        var result = CommandLine.Run("bash", ["-c", $"source '{lib}' && ensure_master_key"], _folder);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Output.Trim();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
