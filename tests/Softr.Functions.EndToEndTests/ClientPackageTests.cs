using System.IO.Compression;
using System.Net.Http.Json;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Softr.Functions.Testing;
using Softr.Sandbox;

namespace Softr.Functions.EndToEndTests;

/// <summary>
/// <c>src/Softr.Client</c> as a package, the way someone outside this repository gets it: packed from
/// a git repository whose origin is on GitHub (so SourceLink has something to point at), checked for
/// what a package on nuget.org needs, then installed from a local folder feed into a new console
/// program that calls the sandbox. In the end-to-end collection, which runs alone: packing and building
/// keep both cores busy for seconds, and the processing tests that wait on a real clock would starve.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ClientPackageTests : IAsyncLifetime
{
    private const string Origin = "https://github.com/softr-functions/softr-functions";
    private const string ApiKey = "package-test-api-key-0123456789";
    private const string Domain = "package.softr.app";

    // A version of its own on every run: NuGet caches a package by id and version on the machine, and a
    // fixed version would install the package an earlier run packed.
    private readonly string _version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}{Random.Shared.Next(1000):000}";
    private readonly string _work = Directory.CreateTempSubdirectory("softr-client-package-").FullName;
    private WebApplication? _sandbox;

    private string Repository => Path.Combine(_work, "repo");
    private string Feed => Path.Combine(_work, "feed");
    private string Consumer => Path.Combine(_work, "consumer");

    public async Task InitializeAsync()
    {
        _sandbox = SandboxApp.Build(["--urls=http://127.0.0.1:0", $"--Sandbox:ApiKey={ApiKey}", $"--Sandbox:Domain={Domain}"]);
        await _sandbox.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task ThePackage_CarriesItsReadmeDocsAndSourceLink_AndInstallsIntoAProgramThatCallsSoftr()
    {
        var commit = CopyClientIntoARepository();
        Run(Repository, "dotnet", "pack", "src/Softr.Client", "-c", "Release", "-o", Feed,
            $"-p:Version={_version}", "-p:ContinuousIntegrationBuild=true");

        using (var package = ZipFile.OpenRead(Path.Combine(Feed, $"Softr.Client.{_version}.nupkg")))
        {
            var nuspec = XDocument.Load(package.GetEntry("Softr.Client.nuspec")!.Open());
            var ns = nuspec.Root!.GetDefaultNamespace();
            var metadata = nuspec.Root.Element(ns + "metadata")!;
            XElement Field(string name) => metadata.Element(ns + name) ?? throw new Xunit.Sdk.XunitException($"The nuspec has no <{name}>:\n{nuspec}");
            Assert.Equal("Softr.Client", Field("id").Value);
            Assert.Equal(_version, Field("version").Value);
            Assert.Equal("MIT", Field("license").Value);
            Assert.Equal("README.md", Field("readme").Value);
            Assert.False(string.IsNullOrWhiteSpace(Field("description").Value));
            var repository = Field("repository");
            Assert.Equal(Origin, (repository.Attribute("url")?.Value ?? "").TrimEnd('/').Replace(".git", "", StringComparison.Ordinal));
            Assert.Equal(commit, repository.Attribute("commit")!.Value);

            Assert.Contains("AddSoftrClient", await ReadAsync(package, "README.md"), StringComparison.Ordinal);
            var docs = XDocument.Parse(await ReadAsync(package, "lib/net10.0/Softr.Client.xml"));
            var documented = docs.Descendants("member").Select(member => member.Attribute("name")!.Value).ToHashSet(StringComparer.Ordinal);
            var publicTypes = typeof(Softr.SoftrApiException).Assembly.GetExportedTypes();
            Assert.NotEmpty(publicTypes);
            Assert.All(publicTypes, type => Assert.Contains($"T:{type.FullName}", documented));
            Assert.Contains("M:Softr.Users.ISoftrUsersClient.CreateUserAsync(Softr.Users.CreateUserRequest,System.Threading.CancellationToken)", documented);

            using var dll = new MemoryStream();
            await package.GetEntry("lib/net10.0/Softr.Client.dll")!.Open().CopyToAsync(dll);
            dll.Position = 0;
            using var pe = new PEReader(dll);
            Assert.Contains(pe.ReadDebugDirectory(), entry => entry.Type == DebugDirectoryEntryType.Reproducible);
        }

        using (var symbols = ZipFile.OpenRead(Path.Combine(Feed, $"Softr.Client.{_version}.snupkg")))
        {
            using var pdb = new MemoryStream();
            await symbols.GetEntry("lib/net10.0/Softr.Client.pdb")!.Open().CopyToAsync(pdb);
            pdb.Position = 0;
            using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb);
            var sourceLink = SourceLinkOf(provider.GetMetadataReader());
            Assert.Contains($"https://raw.githubusercontent.com/softr-functions/softr-functions/{commit}/", sourceLink, StringComparison.Ordinal);
        }

        var output = await RunConsumerAsync();
        Assert.Contains("created: Created", output, StringComparison.Ordinal);
        Assert.Contains("again: AlreadyExists", output, StringComparison.Ordinal);
        Assert.Contains("databases: ", output, StringComparison.Ordinal);
        Assert.Contains("unknown user: 404", output, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, output, StringComparison.Ordinal);
        using var users = new HttpClient { BaseAddress = new Uri(_sandbox!.Urls.Single()) };
        var user = await users.GetFromJsonAsync<JsonElement>("/sandbox/users/package%40example.com");
        Assert.Equal("package@example.com", user.GetProperty("email").GetString());
        Assert.Contains("Package Test", user.GetRawText(), StringComparison.Ordinal);
    }

    /// <summary>What a clone of the repository would hold for the client, committed, with a GitHub origin.</summary>
    private string CopyClientIntoARepository()
    {
        var root = RepositoryPaths.Root;
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", ".editorconfig", "LICENSE" })
        {
            File.Copy(Path.Combine(root, file), Prepared(Path.Combine(Repository, file)));
        }
        var source = Path.Combine(root, "src", "Softr.Client");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (!relative.StartsWith("bin", StringComparison.Ordinal) && !relative.StartsWith("obj", StringComparison.Ordinal))
            {
                File.Copy(file, Prepared(Path.Combine(Repository, "src", "Softr.Client", relative)));
            }
        }
        Run(Repository, "git", "init", "-q", "-b", "main");
        Run(Repository, "git", "add", "-A");
        Run(Repository, "git", "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "client");
        Run(Repository, "git", "remote", "add", "origin", Origin + ".git");
        return Run(Repository, "git", "rev-parse", "HEAD").Trim();
    }

    /// <summary>A new console program that installs the package from the folder feed and calls the sandbox.</summary>
    private async Task<string> RunConsumerAsync()
    {
        Directory.CreateDirectory(Consumer);
        await File.WriteAllTextAsync(Path.Combine(Consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local-feed" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
        await File.WriteAllTextAsync(Path.Combine(Consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <FrameworkReference Include="Microsoft.AspNetCore.App" />
                <PackageReference Include="Softr.Client" Version="{_version}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(Consumer, "Program.cs"), """
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Hosting;
            using Softr;
            using Softr.Database;
            using Softr.Users;

            var builder = Host.CreateApplicationBuilder(args);
            builder.Services.AddSoftrClient();
            using var host = builder.Build();
            var users = host.Services.GetRequiredService<ISoftrUsersClient>();
            var database = host.Services.GetRequiredService<ISoftrDatabaseClient>();

            var created = await users.CreateUserAsync(new CreateUserRequest("Package Test", "package@example.com"));
            Console.WriteLine($"created: {created.Outcome}");
            var again = await users.CreateUserAsync(new CreateUserRequest("Package Test", "package@example.com"));
            Console.WriteLine($"again: {again.Outcome}");
            Console.WriteLine($"databases: {(await database.ListDatabasesAsync()).Count}");
            try
            {
                await users.InviteUserAsync("nobody@example.com");
            }
            catch (SoftrApiException error)
            {
                Console.WriteLine($"unknown user: {(int?)error.StatusCode}");
            }
            """);
        var sandbox = new Uri(_sandbox!.Urls.Single() + "/");
        var settings = SandboxSettings.For(sandbox, ApiKey, Domain)
            .ToDictionary(setting => setting.Key.Replace(":", "__", StringComparison.Ordinal), setting => setting.Value);
        return Run(Consumer, "dotnet", settings, "run", "-c", "Release");
    }

    private static string SourceLinkOf(MetadataReader pdb)
    {
        var sourceLinkKind = new Guid("CC110556-A091-4D38-9FEC-25AB9A351A6A");
        foreach (var handle in pdb.CustomDebugInformation)
        {
            var information = pdb.GetCustomDebugInformation(handle);
            if (pdb.GetGuid(information.Kind) == sourceLinkKind)
            {
                return System.Text.Encoding.UTF8.GetString(pdb.GetBlobBytes(information.Value));
            }
        }
        return "";
    }

    private static async Task<string> ReadAsync(ZipArchive package, string entry)
    {
        using var reader = new StreamReader(package.GetEntry(entry)?.Open() ?? throw new InvalidOperationException($"{entry} is not in the package"));
        return await reader.ReadToEndAsync();
    }

    /// <summary>The path, after creating its directory.</summary>
    private static string Prepared(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    private static string Run(string directory, string command, params string[] arguments) =>
        Run(directory, command, new Dictionary<string, string?>(), arguments);

    private static string Run(string directory, string command, Dictionary<string, string?> environment, params string[] arguments)
    {
        // The consumer is a stranger's program: none of this test run's own settings leak into it.
        environment["DOTNET_ENVIRONMENT"] = null;
        var result = CommandLine.Run(command, arguments, directory, environment);
        Assert.True(result.ExitCode == 0, $"{command} {string.Join(' ', arguments)}: {result}");
        return result.Output + result.Errors;
    }
}
