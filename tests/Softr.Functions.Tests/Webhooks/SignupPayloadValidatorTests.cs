using FluentValidation.TestHelper;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests.Webhooks;

public sealed class SignupPayloadValidatorTests
{
    private readonly SignupPayloadValidator _validator = new();

    [Fact]
    public void Validate_WithEmailAndName_Passes()
    {
        var result = _validator.TestValidate(new SignupPayload("ada@example.com", "Ada Lovelace"));

        result.ShouldNotHaveAnyValidationErrors();
    }

    [Theory]
    [InlineData("a+b@example.co")]
    [InlineData("first.last@sub.example.org")]
    public void Validate_WithUnusualButValidEmail_Passes(string email)
    {
        _validator.TestValidate(new SignupPayload(email, "Ada")).ShouldNotHaveValidationErrorFor("email");
    }

    [Fact]
    public void Validate_WithoutEmail_ReportsEmailUnderItsJsonName()
    {
        var result = _validator.TestValidate(new SignupPayload(null, "Ada Lovelace"));

        result.ShouldHaveValidationErrorFor("email").WithErrorMessage("An email is required.");
        result.ShouldNotHaveValidationErrorFor("full_name");
    }

    [Theory]
    [InlineData("ada")]
    [InlineData("ada@")]
    [InlineData("@example.com")]
    [InlineData("ada@example")]
    [InlineData("ada@example.")]
    [InlineData("Ada <ada@example.com>")]
    [InlineData("ada@exa mple.com")]
    public void Validate_WithMalformedEmail_ReportsEmail(string email)
    {
        _validator.TestValidate(new SignupPayload(email, "Ada")).ShouldHaveValidationErrorFor("email");
    }

    [Fact]
    public void Validate_WithOverlongEmail_ReportsEmail()
    {
        var email = new string('a', 250) + "@x.co";

        _validator.TestValidate(new SignupPayload(email, "Ada")).ShouldHaveValidationErrorFor("email");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_WithoutFullName_ReportsFullNameUnderItsJsonName(string? fullName)
    {
        _validator.TestValidate(new SignupPayload("ada@example.com", fullName)).ShouldHaveValidationErrorFor("full_name");
    }

    /// <summary>The step's own name rule, on the name as the step sends it (stripped): issue #24, one validation style.</summary>
    [Theory]
    [InlineData("Ada\u0000Lovelace", "The full name contains a control character (U+0000).")]
    [InlineData("\u200BAda", "The full name contains an invisible character (U+200B).")]
    [InlineData("Ada \u202ELovelace", "The full name contains a text-direction character (U+202E).")]
    public void Validate_WithANameTheStepWouldRefuse_ReportsIt_WithoutTheName(string fullName, string message)
    {
        _validator.TestValidate(new SignupPayload("ada@example.com", fullName)).ShouldHaveValidationErrorFor("full_name").WithErrorMessage(message);
    }

    [Fact]
    public void Validate_WithSpacesAroundTheName_Passes_AsTheStepStripsThem()
    {
        _validator.TestValidate(new SignupPayload("ada@example.com", "  Ada Lovelace ")).ShouldNotHaveAnyValidationErrors();
    }

    [Fact]
    public void Validate_WithAMalformedEmail_SaysWhy_WithoutTheAddress()
    {
        _validator.TestValidate(new SignupPayload("ada@@example.com", "Ada")).ShouldHaveValidationErrorFor("email")
            .WithErrorMessage("The email is not an e-mail address (it needs exactly one '@' with text on both sides).");
    }
}
