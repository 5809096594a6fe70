using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Softr.Functions.Processing;

namespace Softr.Functions.Tests.Processing;

/// <summary>Processing settings are checked at start-up, each message naming the setting, with the rules that span settings (issue #13).</summary>
public sealed class ProcessingOptionsValidatorTests
{
    [Fact]
    public void Defaults_AreValid()
    {
        using var services = Services([]);

        Assert.Equal(8, services.GetRequiredService<IOptions<ProcessingOptions>>().Value.MaxAttempts);
    }

    [Theory]
    [InlineData("Processing:MaxAttempts", "0", "Processing:MaxAttempts must be between 1 and 100")]
    [InlineData("Processing:MaxRetryDelay", "8.00:00:00", "at most 7 days")]
    [InlineData("Processing:RetryBaseDelay", "00:10:00", "must not be more than Processing:MaxRetryDelay")]
    [InlineData("Processing:BudgetSeats", "0", "Processing:BudgetSeats must be between 1 and 10000")]
    [InlineData("Processing:MaxBudgetWait", "00:01:30", "must be more than zero and less than Softr:TotalTimeout")]
    [InlineData("Processing:MaxDeferral", "00:00:00", "Processing:MaxDeferral must be more than zero")]
    [InlineData("Processing:LeaseDuration", "00:00:45", "Processing:LeaseDuration (00:00:45) must be more than 00:01:30")]
    // Issue #23, item 4.7: longer than one call, but not than a step's worst case (a call, then an upsert's lock wait, unrenewed).
    [InlineData("Processing:LeaseDuration", "00:01:25", "Processing:LeaseDuration (00:01:25) must be more than 00:01:30: the longest a step's lease can go unrenewed")]
    public void InvalidSetting_StopsTheApp_NamingIt(string setting, string value, string expected)
    {
        using var services = Services(new() { [setting] = value });

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ProcessingOptions>>().Value);

        Assert.Contains(exception.Failures, failure => failure.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void ABudgetOf1000Seats_AsTheBicepAllows_IsValid()
    {
        using var services = Services(new() { ["Processing:BudgetSeats"] = "1000" });

        Assert.Equal(1000, services.GetRequiredService<IOptions<ProcessingOptions>>().Value.BudgetSeats);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        settings["Softr:ApiKey"] = "test-api-key-0123456789";
        settings["Softr:Domain"] = "demo.softr.app";
        return CoreServices.Build(settings);
    }
}
