using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Softr.Functions.Telemetry;

namespace Softr.Functions.Privacy;

/// <summary>
/// A payload (or a plan made from one) as an operator may see it in the console: its shape and enough
/// of each value to recognise it, and no more.
/// <list type="bullet">
/// <item>e-mail addresses anywhere keep their first letter and domain, <c>a***@example.com</c> (as in telemetry);</item>
/// <item>values under a key that names a person (name, phone, address, birth date, ...) keep their first character, <c>A***</c>;</item>
/// <item>values under a key that names a credential (secret, token, password, signature, link) read <c>[redacted]</c>.</item>
/// </list>
/// A key's verdict covers everything beneath it, so <c>{"billing_address": {"line1": ...}}</c> is masked whole.
/// </summary>
public static partial class PersonalDataMasker
{
    public const string Redacted = "[redacted]";

    /// <summary>The masked copy of <paramref name="json"/>.</summary>
    public static JsonNode? Mask(JsonElement json) => Mask(JsonNode.Parse(json.GetRawText()));

    /// <summary>Masks <paramref name="node"/> in place and returns it.</summary>
    public static JsonNode? Mask(JsonNode? node) => Walk(node, Verdict.Keep);

    /// <summary>A masked copy of <paramref name="json"/> as compact text; the text unchanged but for e-mails when it is not JSON.</summary>
    public static string MaskText(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return Mask(JsonNode.Parse(json))?.ToJsonString() ?? "null";
        }
        catch (JsonException)
        {
            return LogText.MaskEmails(json);
        }
    }

    /// <summary>
    /// A plan (an <c>AutomationEvaluation</c> as JSON) as the console may keep it: each mapped value is
    /// judged by its input's or field's name (<c>email</c>, <c>fullName</c>, <c>Phone</c>), a sensitive one
    /// reads <c>[redacted]</c>, and e-mails are masked in every other text (reasons, errors). The plan's own
    /// names (automations, actions, templates) are configuration and stay as they are.
    /// </summary>
    public static string MaskPlan(string planJson)
    {
        ArgumentNullException.ThrowIfNull(planJson);
        return MaskPlan(JsonNode.Parse(planJson));
    }

    /// <inheritdoc cref="MaskPlan(string)"/>
    public static string MaskPlan(JsonNode? planNode)
    {
        if (planNode is not JsonObject plan)
        {
            return Mask(planNode)?.ToJsonString() ?? "null";
        }
        foreach (var automation in (plan["automations"] as JsonArray ?? []).OfType<JsonObject>())
        {
            MaskEmailsIn(automation, "reason");
            foreach (var error in (automation["errors"] as JsonArray ?? []).OfType<JsonObject>())
            {
                MaskEmailsIn(error, "error");
                MaskEmailsIn(error, "value");
            }
            foreach (var step in (automation["steps"] as JsonArray ?? []).OfType<JsonObject>())
            {
                foreach (var mapped in new[] { step["inputs"], step["fields"] }.OfType<JsonObject>().SelectMany(values => values))
                {
                    if (mapped.Value is not JsonObject value || value["value"] is not JsonValue text)
                    {
                        continue;
                    }
                    value["value"] = value["sensitive"]?.GetValueKind() == JsonValueKind.True ? JsonValue.Create(Redacted) : MaskValue(text, VerdictFor(mapped.Key));
                }
            }
        }
        return plan.ToJsonString();
    }

    private static void MaskEmailsIn(JsonObject parent, string property)
    {
        if (parent[property] is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            parent[property] = LogText.MaskEmails(value.GetValue<string>());
        }
    }

    private enum Verdict
    {
        Keep,
        Person,
        Credential,
    }

    private static JsonNode? Walk(JsonNode? node, Verdict inherited)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    var verdict = inherited != Verdict.Keep ? inherited : VerdictFor(key);
                    var masked = Walk(child, verdict);
                    if (!ReferenceEquals(masked, child))
                    {
                        obj[key] = masked;
                    }
                }
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var child = array[i];
                    var masked = Walk(child, inherited);
                    if (!ReferenceEquals(masked, child))
                    {
                        array[i] = masked;
                    }
                }
                return array;
            case JsonValue value:
                return MaskValue(value, inherited);
            default:
                return node;
        }
    }

    private static JsonNode MaskValue(JsonValue value, Verdict verdict)
    {
        var kind = value.GetValueKind();
        if (verdict == Verdict.Credential && kind != JsonValueKind.Null)
        {
            return JsonValue.Create(Redacted);
        }
        if (kind != JsonValueKind.String)
        {
            // Numbers under a personal key (a phone number, a birth year) are masked too; flags and nulls say nothing.
            return verdict == Verdict.Person && kind == JsonValueKind.Number ? JsonValue.Create("***") : value;
        }
        var text = value.GetValue<string>();
        if (verdict == Verdict.Person && text.Length > 0 && !LogText.HoldsEmail(text))
        {
            return JsonValue.Create(text[..1] + "***");
        }
        var masked = LogText.MaskEmails(text);
        return masked == text ? value : JsonValue.Create(masked);
    }

    private static Verdict VerdictFor(string key) =>
        CredentialKey().IsMatch(key) ? Verdict.Credential : PersonKey().IsMatch(key) ? Verdict.Person : Verdict.Keep;

    // A bare "name" is masked too: in senders' payloads it is most often a person's (Stripe's
    // customer_details, form answers); a product's name masked is the smaller loss.
    [GeneratedRegex(@"(^|[_\-. ])(full|first|last|given|family|middle|display|user|customer|contact|billing|shipping|sur)[_\-. ]?name$|^name$|fullname|firstname|lastname|displayname|surname|phone|mobile|address|street|city|postal|zip|birth|dob|ssn|passport|iban|tax_?id|national_?id|^ip$|ip_?address",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 50)]
    private static partial Regex PersonKey();

    [GeneratedRegex(@"secret|token|password|passwd|signature|api_?key|authorization|credential|magic_?link|login_?link|^link$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 50)]
    private static partial Regex CredentialKey();
}
