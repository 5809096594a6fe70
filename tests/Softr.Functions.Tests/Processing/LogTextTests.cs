using Softr.Functions.Telemetry;

namespace Softr.Functions.Tests.Processing;

public sealed class LogTextTests
{
    [Theory]
    [InlineData("User with email: ada.lovelace@example.com not found", "User with email: a***@example.com not found")]
    [InlineData("a+b@x.co and grace@navy.mil", "a***@x.co and g***@navy.mil")]
    [InlineData("no address here", "no address here")]
    public void Emails_AreMasked_KeepingTheirFirstLetterAndDomain(string text, string masked) => Assert.Equal(masked, LogText.MaskEmails(text));
}
