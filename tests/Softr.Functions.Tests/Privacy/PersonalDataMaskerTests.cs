using System.Text.Json;
using Softr.Functions.Privacy;

namespace Softr.Functions.Tests.Privacy;

public sealed class PersonalDataMaskerTests
{
    [Fact]
    public void APayload_KeepsItsShape_AndLosesEveryAddressNameAndCredential()
    {
        var payload = JsonDocument.Parse("""
            {
              "id": "evt_1", "type": "checkout.session.completed", "amount_total": 4200, "livemode": false,
              "data": { "object": {
                "customer_details": { "email": "ada@example.com", "name": "Ada Lovelace", "phone": "+44 20 7946 0958",
                                      "address": { "line1": "12 St James's Square", "city": "London", "postal_code": "SW1Y 4LB" } },
                "metadata": { "note": "call ada.l@example.org first", "api_key": "sk_live_abc", "magic_link": "https://app.softr.io/x?t=1" },
                "full_name": "Ada King", "first_name": "Ada", "birth_year": 1815
              } }
            }
            """).RootElement;

        var masked = PersonalDataMasker.Mask(payload)!.ToJsonString();

        Assert.Contains("\"id\":\"evt_1\"", masked, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"checkout.session.completed\"", masked, StringComparison.Ordinal);
        Assert.Contains("\"amount_total\":4200", masked, StringComparison.Ordinal);
        Assert.Contains("\"livemode\":false", masked, StringComparison.Ordinal);
        Assert.Contains("a***@example.com", masked, StringComparison.Ordinal);
        Assert.Contains("call a***@example.org first", masked, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"A***\"", masked, StringComparison.Ordinal);
        Assert.Contains("\"city\":\"L***\"", masked, StringComparison.Ordinal);
        Assert.Contains("\"birth_year\":\"***\"", masked, StringComparison.Ordinal);
        foreach (var secret in new[] { "ada@example.com", "Lovelace", "7946", "James", "London", "SW1Y", "Ada King", "\"Ada\"", "1815", "sk_live_abc", "softr.io", "ada.l@" })
        {
            Assert.DoesNotContain(secret, masked, StringComparison.Ordinal);
        }
        Assert.Equal(2, masked.Split(PersonalDataMasker.Redacted).Length - 1);
    }

    [Fact]
    public void APlan_KeepsTheConfigurationsNames_AndMasksTheMappedValuesByTheirInputsNames()
    {
        var plan = """
            {"hook":"signup","eventType":"signup","automations":[
              {"name":"onboard","status":"Planned","reason":null,"steps":[
                {"number":1,"id":"user","action":"user.create","kind":"Write",
                 "inputs":{"email":{"value":"grace@example.com"},"fullName":{"value":"Grace Hopper"},"password":{"value":"hunter2","sensitive":true},
                           "magicLink":{"value":"true"}},
                 "fields":{"Phone":{"value":"555 0100"},"Plan":{"value":"gold"},"Owner":{"value":null,"deferred":"{{ steps.user.email }}"}}}]},
              {"name":"other","status":"ConditionFailed","reason":"payload.email was grace@example.com","steps":[]}]}
            """;

        var masked = PersonalDataMasker.MaskPlan(plan);

        Assert.Contains("\"name\":\"onboard\"", masked, StringComparison.Ordinal);
        Assert.Contains("\"action\":\"user.create\"", masked, StringComparison.Ordinal);
        Assert.Contains("\"email\":{\"value\":\"g***@example.com\"}", masked, StringComparison.Ordinal);
        Assert.Contains("\"fullName\":{\"value\":\"G***\"}", masked, StringComparison.Ordinal);
        Assert.Contains("\"password\":{\"value\":\"[redacted]\"", masked, StringComparison.Ordinal);
        Assert.Contains("\"Phone\":{\"value\":\"5***\"}", masked, StringComparison.Ordinal);
        Assert.Contains("\"Plan\":{\"value\":\"gold\"}", masked, StringComparison.Ordinal);
        Assert.Contains("{{ steps.user.email }}", masked, StringComparison.Ordinal);
        Assert.Contains("payload.email was g***@example.com", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("grace@", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("Hopper", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", masked, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"x@y.io\"")]
    [InlineData("null")]
    [InlineData("{\"a\":[[{\"email\":\"deep@nest.ed\"}]]}")]
    public void AnyJson_IsMaskedWithoutThrowing(string json)
    {
        var masked = PersonalDataMasker.MaskText(json);

        Assert.DoesNotContain("@y.io\"", masked.Replace("x***@y.io", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("deep@", masked, StringComparison.Ordinal);
    }
}
