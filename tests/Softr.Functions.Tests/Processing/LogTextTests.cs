using Softr.Functions.Telemetry;

namespace Softr.Functions.Tests.Processing;

public sealed class LogTextTests
{
    [Theory]
    [InlineData("User with email: ada.lovelace@example.com not found", "User with email: a***@example.com not found")]
    [InlineData("a+b@x.co and grace@navy.mil", "a***@x.co and g***@navy.mil")]
    [InlineData("no address here", "no address here")]
    public void Emails_AreMasked_KeepingTheirFirstLetterAndDomain(string text, string masked) => Assert.Equal(masked, LogText.MaskEmails(text));

    [Theory]
    [InlineData("https://studio-api.softr.io/v1/api/users/ada%40example.com/invite", "https://studio-api.softr.io/v1/api/users/a***@example.com/invite")]
    [InlineData("https://studio-api.softr.io/v1/api/users/ADA%40Example.COM", "https://studio-api.softr.io/v1/api/users/A***@Example.COM")]
    [InlineData("https://tables-api.softr.io/api/v1/databases/db/tables/t/records", "https://tables-api.softr.io/api/v1/databases/db/tables/t/records")]
    public void AddressesWithEscapedEmails_AreMaskedToo(string url, string masked)
    {
        Assert.Equal(masked, LogText.MaskEmailsInUrl(url));
        Assert.Equal(url != masked, LogText.HoldsEmail(url));
    }
}
