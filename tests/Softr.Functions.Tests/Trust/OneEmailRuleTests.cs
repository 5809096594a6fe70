using System.Text.Json;
using FluentValidation.TestHelper;
using Softr.Functions.Automations;
using Softr.Functions.Privacy;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests.Trust;

/// <summary>
/// Issue #23, item 3.2: the person index held only ASCII addresses (<c>ada@bücher.de</c> was not indexed,
/// <c>jörg@example.com</c> became <c>rg@example.com</c>). One e-mail rule now judges, finds and normalises
/// addresses everywhere: the door, every action's input, the signup schema, the index and erasure.
/// </summary>
public sealed class OneEmailRuleTests
{
    [Fact]
    public void ThePersonIndex_FindsInternationalAddressesWhole_InFreeText()
    {
        var payload = JsonDocument.Parse("""{"note":"Write to jörg@example.com or ADA@Bücher.de (or <grace@example.org>).","nested":[{"to":"x@y"}]}""").RootElement;

        var found = PersonIndex.EmailsIn(payload);

        Assert.Equal(["ada@xn--bcher-kva.de", "grace@example.org", "jörg@example.com"], found.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("ada@bücher.de", "ADA@xn--BCHER-kva.de")]
    [InlineData(" Ada@Example.com ", "ada@example.com")]
    [InlineData("jo\u0308rg@example.com", "jörg@example.com")]
    public void TwoSpellingsOfOneMailbox_NormaliseToOneForm(string one, string other) =>
        Assert.Equal(EmailAddresses.Normalize(one), EmailAddresses.Normalize(other));

    [Theory]
    [InlineData("ada@example.com")]
    [InlineData("a+b@example.co")]
    [InlineData("ada@bücher.de")]
    [InlineData("jörg@example.com")]
    [InlineData("ada@example")]
    [InlineData("Ada <ada@example.com>")]
    [InlineData("ada@exa mple.com")]
    [InlineData("ada@example.123")]
    public void TheSignupSchema_JudgesAnAddressAsEveryActionInputDoes(string email)
    {
        var signup = new SignupPayloadValidator().TestValidate(new SignupPayload(email, "Ada")).Errors.Any(error => error.PropertyName == "email");
        var action = InputRules.Email.Check(email) is not null;

        Assert.Equal(action, signup);
    }

    [Fact]
    public void TheSignupSchema_NeverEchoesTheAddress()
    {
        var result = new SignupPayloadValidator().TestValidate(new SignupPayload("not-an-address.secret", "Ada"));

        Assert.All(result.Errors, error => Assert.DoesNotContain("not-an-address", error.ErrorMessage, StringComparison.Ordinal));
        Assert.NotEmpty(result.Errors);
    }
}
