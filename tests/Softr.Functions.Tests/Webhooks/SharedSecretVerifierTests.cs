using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests.Webhooks;

public sealed class SharedSecretVerifierTests
{
    private static readonly string[] Secrets = ["current-secret-0123456789", "next-secret-0123456789"];

    [Fact]
    public void Matches_WithTheConfiguredSecret_IsTrue()
    {
        Assert.True(SharedSecretVerifier.Matches("current-secret-0123456789", Secrets));
    }

    [Fact]
    public void Matches_WithTheSecondSecretDuringRotation_IsTrue()
    {
        Assert.True(SharedSecretVerifier.Matches("next-secret-0123456789", Secrets));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("current-secret-012345678")]
    [InlineData("current-secret-01234567890")]
    [InlineData("CURRENT-SECRET-0123456789")]
    [InlineData("current-secret-0123456789 ")]
    public void Matches_WithAnythingElse_IsFalse(string? presented)
    {
        Assert.False(SharedSecretVerifier.Matches(presented, Secrets));
    }

    [Fact]
    public void Matches_WithNoSecretsConfigured_IsFalse()
    {
        Assert.False(SharedSecretVerifier.Matches("", []));
        Assert.False(SharedSecretVerifier.Matches("anything", []));
    }
}
