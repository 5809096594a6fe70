using Softr.Sandbox.Users;

namespace Softr.Functions.Tests.Sandbox;

/// <summary>The sandbox's own rules for new users (its HTTP answer, Softr's 400 body, is checked in UsersApiTests).</summary>
public sealed class SandboxStrictnessTests
{
    [Theory]
    [InlineData("ada\u0000@example.com")]
    [InlineData("ada@example.com\r\nbcc: eve@example.com")]
    [InlineData("ada\u200b@example.com")]
    [InlineData("ada\u202e@example.com")]
    [InlineData("ada\ufffd@example.com")]
    [InlineData("12345")]
    [InlineData("ada.example.com")]
    [InlineData("{\"$gt\":\"\"}")]
    [InlineData("ada@localhost")]
    public void IllFormedEmail_IsRefused(string email) => Assert.False(SoftrUserRules.IsAcceptableEmail(email));

    [Fact]
    public void OverlongEmail_IsRefused() => Assert.False(SoftrUserRules.IsAcceptableEmail(new string('a', 300) + "@example.com"));

    [Theory]
    [InlineData("ada@example.com")]
    [InlineData("ada.lovelace+portal@mail.example.co.uk")]
    [InlineData("juergen@bücher.de")]
    public void WellFormedEmail_IsTaken(string email) => Assert.True(SoftrUserRules.IsAcceptableEmail(email));

    [Theory]
    [InlineData("Ada\u0000")]
    [InlineData("Ada\r\nLovelace")]
    public void NameWithControlCharacters_IsRefused(string name) => Assert.False(SoftrUserRules.IsAcceptableFullName(name));

    [Fact]
    public void NameWithScriptOrTemplateText_IsTaken_Literally() =>
        Assert.True(SoftrUserRules.IsAcceptableFullName("Robert'); DROP TABLE users;-- <script>{{ x }}</script>"));
}
