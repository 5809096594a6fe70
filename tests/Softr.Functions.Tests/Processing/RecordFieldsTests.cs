using System.Text.Json;
using Softr.Database;
using Softr.Functions.Processing;

namespace Softr.Functions.Tests.Processing;

/// <summary>Rendered text becomes the JSON each Softr field type takes, or a mapping failure naming the field.</summary>
public sealed class RecordFieldsTests
{
    private static readonly JsonElement Choices = JsonSerializer.Deserialize<JsonElement>("""{"choices":[{"id":"chPro","label":"Pro"},{"id":"chTeam","label":"Team"}]}""");

    [Theory]
    [InlineData("NUMBER", "42", "42")]
    [InlineData("CURRENCY", " 49.90 ", "49.90")]
    [InlineData("PERCENT", "1e2", "100")]
    [InlineData("CHECKBOX", "yes", "true")]
    [InlineData("CHECKBOX", "FALSE", "false")]
    [InlineData("SINGLE_LINE_TEXT", "0042", "\"0042\"")]
    [InlineData("EMAIL", "ada@example.com", "\"ada@example.com\"")]
    public void Value_IsTypedByTheField(string type, string text, string json) =>
        Assert.Equal(json, RecordFields.ToValue(new SoftrField("f1", "Field", type), text)!.ToJsonString());

    [Fact]
    public void Select_TakesTheLabelOrTheId_AndSeveralWhenTheFieldAllowsThem()
    {
        var single = new SoftrField("fPlan", "Plan", "SELECT") { Options = Choices };
        var multiple = single with { AllowMultipleEntries = true };

        Assert.Equal("\"chPro\"", RecordFields.ToValue(single, "pro")!.ToJsonString());
        Assert.Equal("\"chTeam\"", RecordFields.ToValue(single, "chTeam")!.ToJsonString());
        Assert.Equal("""["chPro","chTeam"]""", RecordFields.ToValue(multiple, "Pro, Team")!.ToJsonString());
    }

    [Theory]
    [InlineData("NUMBER", "forty-two", "takes a number")]
    [InlineData("CHECKBOX", "maybe", "takes true or false")]
    [InlineData("SELECT", "Enterprise", "takes one of its choices")]
    public void ValueThatDoesNotFit_IsAMappingFailure_NamingTheField(string type, string text, string expected)
    {
        var field = new SoftrField("f1", "Seats", type) { Options = Choices };

        var failure = Assert.Throws<PermanentFailureException>(() => RecordFields.ToValue(field, text));

        Assert.Equal(FailureCauses.Mapping, failure.Cause);
        Assert.Contains("'Seats'", failure.Message, StringComparison.Ordinal);
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Number_KeepsItsDigits() => Assert.Equal(0.1m + 0.2m, RecordFields.ToValue(new SoftrField("f", "n", "NUMBER"), "0.3")!.GetValue<decimal>());

}
