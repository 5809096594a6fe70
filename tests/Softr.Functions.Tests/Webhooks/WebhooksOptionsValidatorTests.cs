using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Softr.Functions.Webhooks;
using Softr.Functions.Webhooks.Senders;

namespace Softr.Functions.Tests.Webhooks;

public sealed class WebhooksOptionsValidatorTests
{
    private const string GoodSecret = "a-secret-of-enough-length";

    [Fact]
    public void Validate_WithWellFormedHook_Succeeds()
    {
        var result = Validate(new() { ["Webhooks:Hooks:signup:SecretSettings:0"] = "SIGNUP_SECRET", ["SIGNUP_SECRET"] = GoodSecret });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_WithoutSecretSettings_NamesTheHookAndTheField()
    {
        var result = Validate(new() { ["Webhooks:Hooks:signup:SecretHeader"] = "X-Secret" });

        Assert.True(result.Failed);
        Assert.Contains("Hook 'signup': Webhooks:Hooks:signup:SecretSettings must name at least one app setting", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WithASecretSettingThatIsNotSet_NamesTheSetting()
    {
        var result = Validate(new() { ["Webhooks:Hooks:stripe:Sender"] = "stripe", ["Webhooks:Hooks:stripe:SecretSettings:0"] = "STRIPE_WHSEC" });

        Assert.True(result.Failed);
        Assert.Contains("names the app setting 'STRIPE_WHSEC', which is not set", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WithShortSharedSecret_FailsWithoutEchoingIt()
    {
        var result = Validate(new() { ["Webhooks:Hooks:signup:SecretSettings:0"] = "S", ["S"] = "short-one" });

        Assert.True(result.Failed);
        Assert.Contains("at least 16 characters", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("short-one", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WithUnknownSender_ListsTheKnownOnes()
    {
        var result = Validate(new() { ["Webhooks:Hooks:pay:Sender"] = "paypal", ["Webhooks:Hooks:pay:SecretSettings:0"] = "S", ["S"] = GoodSecret });

        Assert.True(result.Failed);
        Assert.Contains("Sender 'paypal' is not a known sender; use one of:", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("stripe", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WithAnUnknownPriority_NamesTheHookAndThePriorities()
    {
        var result = Validate(new()
        {
            ["Webhooks:Hooks:signup:SecretSettings:0"] = "S",
            ["S"] = GoodSecret,
            ["Webhooks:Hooks:signup:Priority"] = "urgent",
        });

        Assert.True(result.Failed);
        Assert.Contains("Hook 'signup': Webhooks:Hooks:signup:Priority 'urgent' is not a priority; use one of: high, normal, bulk.", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("high")]
    [InlineData("Normal")]
    [InlineData("BULK")]
    public void Validate_TakesEachPriority_InAnyCase(string priority)
    {
        var result = Validate(new()
        {
            ["Webhooks:Hooks:signup:SecretSettings:0"] = "S",
            ["S"] = GoodSecret,
            ["Webhooks:Hooks:signup:Priority"] = priority,
        });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_WithUnknownSchemaOrBadName_Fails()
    {
        var result = Validate(new()
        {
            ["Webhooks:Hooks:sign up!:SecretSettings:0"] = "S",
            ["Webhooks:Hooks:sign up!:Schema"] = "order",
            ["S"] = GoodSecret,
        });

        Assert.True(result.Failed);
        Assert.Contains("Hook 'sign up!': the name must be", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Schema 'order' is unknown", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_AreBoundWithCaseInsensitiveHookNames()
    {
        var options = Bind(new() { ["Webhooks:Hooks:SignUp:SecretSettings:0"] = "S" });

        Assert.True(options.Hooks.ContainsKey("signup"));
    }

    /// <summary>Review of issue #23: a 30-day key window with 3-day retention answered a repeat "duplicate" of an event already swept, or ran an erased person's event once its tombstone was gone.</summary>
    [Fact]
    public void AWindowLongerThanRetentionKeepsTheEvent_IsRefused_NamingTheSetting()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Webhooks:Hooks:form:SecretSettings:0"] = "S", ["S"] = GoodSecret, ["Webhooks:Hooks:form:IdempotencyKeyWindow"] = "30.00:00:00",
            ["Retention:Events"] = "3.00:00:00", ["Retention:DeadLetters"] = "3.00:00:00", ["Retention:Payloads"] = "3.00:00:00",
        };
        using var services = Services(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<WebhooksOptions>>().Value);

        Assert.Contains(exception.Failures, failure => failure.Contains("Hook 'form'", StringComparison.Ordinal) && failure.Contains("Retention:Events (3.00:00:00)", StringComparison.Ordinal));
        settings["Webhooks:Hooks:form:IdempotencyKeyWindow"] = "2.00:00:00";
        using var fixedServices = Services(settings);
        Assert.NotNull(fixedServices.GetRequiredService<IOptions<WebhooksOptions>>().Value);
    }

    [Fact]
    public void Resolving_InvalidOptions_ThrowsOptionsValidationException()
    {
        using var services = Services(new() { ["Webhooks:Hooks:signup:MaxBodyBytes"] = "0", ["Webhooks:Hooks:signup:SecretSettings:0"] = "S", ["S"] = GoodSecret });

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<WebhooksOptions>>().Value);

        Assert.Contains(exception.Failures, failure => failure.Contains("MaxBodyBytes", StringComparison.Ordinal));
    }

    private static ValidateOptionsResult Validate(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new WebhooksOptionsValidator(new HookSecrets(configuration), WebhookSenders.All, new PayloadSchemas.Folder(TestPaths.RepositoryRoot))
            .Validate(null, Bind(settings));
    }

    private static WebhooksOptions Bind(Dictionary<string, string?> settings)
    {
        var options = new WebhooksOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(WebhooksOptions.SectionName).Bind(options);
        return options;
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings) => CoreServices.Build(settings);
}
