using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Softr.Functions.Privacy;

namespace Softr.Functions.Tests.Processing;

/// <summary>Retention settings are checked at start-up (issue #14, item 2).</summary>
public sealed class RetentionOptionsValidatorTests
{
    [Fact]
    public void Defaults_KeepThirtyDays()
    {
        using var services = CoreServices.Build([]);

        var options = services.GetRequiredService<IOptions<RetentionOptions>>().Value;

        Assert.Equal((TimeSpan.FromDays(30), TimeSpan.FromDays(30), TimeSpan.FromDays(30)), (options.Events, options.DeadLetters, options.Payloads));
    }

    [Theory]
    [InlineData("Retention:Events", "2.00:00:00", "Retention:Events must be at least 72 hours")]
    [InlineData("Retention:DeadLetters", "1.00:00:00", "Retention:DeadLetters must be at least 72 hours")]
    [InlineData("Retention:Payloads", "10.00:00:00", "Retention:Payloads must be at least")]
    // Issue #23, item 4.4: events kept shorter than their dead letters, and a replay would run again the steps that had succeeded.
    [InlineData("Retention:Events", "10.00:00:00", "Retention:Events must be at least Retention:DeadLetters")]
    [InlineData("Retention:Tombstones", "3.00:00:00", "Retention:Tombstones must be at least 7 days")]
    public void BelowTheDedupeHorizon_OrPayloadsShorterThanWhatReplaysFromThem_StopsTheApp(string setting, string value, string expected)
    {
        using var services = CoreServices.Build(new() { [setting] = value });

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RetentionOptions>>().Value);

        Assert.Contains(exception.Failures, failure => failure.Contains(expected, StringComparison.Ordinal));
    }
}
