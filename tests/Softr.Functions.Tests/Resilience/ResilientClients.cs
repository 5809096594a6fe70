using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Softr.Database;
using Softr.Users;

namespace Softr.Functions.Tests.Resilience;

/// <summary>
/// The clients exactly as the app registers them (AddSoftrClient: options, rate limiter, resilience
/// pipeline), with Softr replaced by a <see cref="ScriptedHandler"/> and time by a fake clock.
/// </summary>
internal sealed class ResilientClients : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public ResilientClients(ScriptedHandler.Step[] script, Dictionary<string, string?>? settings = null, bool fakeTime = true)
    {
        Time = fakeTime ? new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero)) : null;
        Handler = new ScriptedHandler(Time ?? TimeProvider.System, script);
        var configuration = new Dictionary<string, string?>
        {
            ["Softr:ApiKey"] = "resilience-key",
            ["Softr:Domain"] = "resilience.softr.app",
        };
        foreach (var (key, value) in settings ?? [])
        {
            configuration[key] = value;
        }

        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build())
            .AddLogging();
        if (Time is not null)
        {
            services.AddSingleton<TimeProvider>(Time);
        }
        services.AddSoftrClient();
        services.ConfigureHttpClientDefaults(client => client.ConfigurePrimaryHttpMessageHandler(() => Handler));
        _services = services.BuildServiceProvider();
    }

    public FakeTimeProvider? Time { get; }

    public ScriptedHandler Handler { get; }

    public ISoftrUsersClient Users => _services.GetRequiredService<ISoftrUsersClient>();

    public ISoftrDatabaseClient Database => _services.GetRequiredService<ISoftrDatabaseClient>();

    /// <summary>Every connection's clients.</summary>
    public ISoftrClients Connections => _services.GetRequiredService<ISoftrClients>();

    /// <summary>Runs <paramref name="call"/>, moving the fake clock on in steps until it finishes.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> call, TimeSpan? step = null, int maxSteps = 1000)
    {
        var task = call();
        for (var i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            await Task.Delay(1);
            Time!.Advance(step ?? TimeSpan.FromMilliseconds(250));
        }
        return await task;
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
