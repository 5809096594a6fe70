using Microsoft.AspNetCore.DataProtection;
using Softr.Functions.Automations;
using Softr.Functions.Privacy;
using Softr.Functions.Processing;

namespace Softr.Functions.Tests.Processing;

/// <summary>Credential results are sealed for storage and opened for processing (issue #14, item 1).</summary>
public sealed class StepSecretsTests
{
    private const string Link = "https://portal.softr.app/magic/Zm9vYmFy";
    private readonly StepSecrets _secrets = new(new EphemeralDataProtectionProvider());

    [Theory]
    [InlineData(SoftrActions.UserMagicLink)]
    [InlineData(SoftrActions.UserCreate)]
    public void AMagicLink_IsStoredRedacted_AndEncrypted_AndOpensWhole(string action)
    {
        var step = Step(action, new() { ["email"] = "ada@example.com", ["magicLink"] = Link });

        var (shown, sealedText) = _secrets.Seal(step, SoftrActions.All[step.Action]);
        var opened = _secrets.Open(shown, sealedText);

        Assert.Equal(StepSecrets.Redacted, shown["magicLink"]);
        Assert.Equal("ada@example.com", shown["email"]);
        Assert.NotNull(sealedText);
        Assert.DoesNotContain("magic", sealedText, StringComparison.Ordinal);
        Assert.Equal(Link, opened["magicLink"]);
        Assert.Equal("ada@example.com", opened["email"]);
    }

    [Fact]
    public void ResultsThatAreNotCredentials_AreStoredAsTheyAre()
    {
        var step = Step(SoftrActions.RecordUpsert, new() { ["recordId"] = "rec1", ["created"] = "true" });

        var (shown, sealedText) = _secrets.Seal(step, SoftrActions.All[step.Action]);

        Assert.Same(step.Outputs, shown);
        Assert.Null(sealedText);
    }

    [Fact]
    public void AnEmptyLink_HasNothingToSeal()
    {
        var (shown, sealedText) = _secrets.Seal(Step(SoftrActions.UserCreate, new() { ["magicLink"] = null }), SoftrActions.All[SoftrActions.UserCreate]);

        Assert.Null(shown["magicLink"]);
        Assert.Null(sealedText);
    }

    private static StepRecord Step(string action, Dictionary<string, string?> outputs) =>
        new("onboard", "user", action, StepState.Succeeded, DateTimeOffset.UnixEpoch, outputs);
}
