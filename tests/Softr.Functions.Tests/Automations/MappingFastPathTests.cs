using System.Text.Json;
using Softr.Functions.Automations;

namespace Softr.Functions.Tests.Automations;

/// <summary>
/// Plain payload paths and plain settings are read without Fluid (a measured saving at the door); what
/// they give must be exactly what Fluid gives. The same path wrapped in a tag forces Fluid's own rendering.
/// </summary>
public sealed class MappingFastPathTests
{
    private static readonly JsonElement Payload = JsonDocument.Parse("""
        {"text":"Robert'); DROP TABLE users;-- <script>alert(1)</script> {{ x }} & Co","blank":"   ","empty":"","nul":"a\u0000b",
         "int":4900,"dec":49.50,"neg":-0.0,"big":1e30,"yes":true,"no":false,"nothing":null,"obj":{"a":{"b":"deep"}},"arr":[1,"x",{"y":2}]}
        """).RootElement;

    private static readonly Dictionary<string, string?> Settings = new() { ["DB"] = "db_portal", ["BLANK"] = " ", ["UNSET"] = null };

    public static TheoryData<string> Paths =>
    [
        "payload.text", "payload.blank", "payload.empty", "payload.nul", "payload.int", "payload.dec", "payload.neg", "payload.big", "payload.yes",
        "payload.no", "payload.nothing", "payload.obj", "payload.obj.a.b", "payload.arr", "payload.missing", "payload.text.deeper", "payload.obj.a.missing",
        "settings.DB", "settings.BLANK", "settings.UNSET", "settings.MISSING",
    ];

    [Theory]
    [MemberData(nameof(Paths))]
    public void FastPath_GivesWhatFluidGives(string path)
    {
        Assert.True(Mapping.TryParse("{{ " + path + " }}", out var fast, out _));
        Assert.True(Mapping.TryParse("{% if true %}{{ " + path + " }}{% endif %}", out var fluid, out _));
        var scope = new MappingScope(Payload, new Dictionary<string, string?>(), Settings);

        Assert.Equal(fluid.Render(scope), fast.Render(new MappingScope(Payload, new Dictionary<string, string?>(), Settings)));
    }

    [Fact]
    public void TextThatLooksLikeCodeOrATemplate_IsRenderedLiterally()
    {
        Assert.True(Mapping.TryParse("{{ payload.text | strip }}", out var mapping, out _));

        Assert.Equal("Robert'); DROP TABLE users;-- <script>alert(1)</script> {{ x }} & Co",
            mapping.Render(new MappingScope(Payload, new Dictionary<string, string?>(), Settings)));
    }
}
