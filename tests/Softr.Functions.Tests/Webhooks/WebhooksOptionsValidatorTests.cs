using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests.Webhooks;

public sealed class WebhooksOptionsValidatorTests
{
    [Fact]
    public void Validate_WithWellFormedHook_Succeeds()
    {
        var result = Validate(new() { ["Webhooks:Hooks:signup:Secrets:0"] = "a-secret-of-enough-length" });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_WithHookWithoutSecret_NamesTheHookAndTheSetting()
    {
        var result = Validate(new() { ["Webhooks:Hooks:signup:SecretHeader"] = "X-Secret" });

        Assert.True(result.Failed);
        Assert.Contains("Hook 'signup'", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Webhooks:Hooks:signup:Secrets", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WithShortSecret_FailsWithoutEchoingIt()
    {
        var result = Validate(new() { ["Webhooks:Hooks:signup:Secrets:0"] = "short-one" });

        Assert.True(result.Failed);
        Assert.Contains("at least 16 characters", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("short-one", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WithQueueNothingListensOn_NamesTheQueue()
    {
        var result = Validate(new()
        {
            ["Webhooks:Hooks:signup:Secrets:0"] = "a-secret-of-enough-length",
            ["Webhooks:Hooks:signup:Queue"] = "elsewhere",
        });

        Assert.True(result.Failed);
        Assert.Contains("queue 'elsewhere' has no function listening on it", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WithHookNameThatIsNotAUrlSegment_Fails()
    {
        var result = Validate(new() { ["Webhooks:Hooks:sign up!:Secrets:0"] = "a-secret-of-enough-length" });

        Assert.True(result.Failed);
        Assert.Contains("Hook name 'sign up!'", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_AreBoundWithCaseInsensitiveHookNames()
    {
        var options = Bind(new() { ["Webhooks:Hooks:SignUp:Secrets:0"] = "a-secret-of-enough-length" });

        Assert.True(options.Hooks.ContainsKey("signup"));
    }

    [Fact]
    public void Resolving_InvalidOptions_ThrowsOptionsValidationException()
    {
        using var services = Services(new() { ["Webhooks:Hooks:signup:MaxBodyBytes"] = "0" });

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<WebhooksOptions>>().Value);

        Assert.Contains(exception.Failures, failure => failure.Contains("MaxBodyBytes", StringComparison.Ordinal));
    }

    private static ValidateOptionsResult Validate(Dictionary<string, string?> settings) =>
        new WebhooksOptionsValidator().Validate(null, Bind(settings));

    private static WebhooksOptions Bind(Dictionary<string, string?> settings)
    {
        var options = new WebhooksOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(WebhooksOptions.SectionName).Bind(options);
        return options;
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddSoftrFunctionsCore()
            .BuildServiceProvider();
    }
}
