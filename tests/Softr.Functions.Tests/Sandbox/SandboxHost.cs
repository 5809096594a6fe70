using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Softr.Sandbox;

namespace Softr.Functions.Tests.Sandbox;

/// <summary>The sandbox, wired exactly as `dotnet run` wires it, on an in-memory test server.</summary>
public class SandboxHost : IAsyncLifetime
{
    public const string ApiKey = "test-api-key";
    public const string Domain = "tests.softr.app";

    private WebApplication? _app;

    public HttpClient CreateClient() => _app!.GetTestClient();

    /// <summary>More <c>--Key=value</c> arguments for a variant of the sandbox.</summary>
    protected virtual IEnumerable<string> ExtraArguments() => [];

    public HttpMessageHandler CreateHandler() => _app!.GetTestServer().CreateHandler();

    public async Task InitializeAsync()
    {
        _app = SandboxApp.Build([$"--Sandbox:ApiKey={ApiKey}", $"--Sandbox:Domain={Domain}", .. ExtraArguments()], builder => builder.WebHost.UseTestServer());
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
