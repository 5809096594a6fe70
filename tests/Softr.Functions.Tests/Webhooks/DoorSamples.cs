using System.Text;

namespace Softr.Functions.Tests.Webhooks;

/// <summary>
/// A valid delivery per sender kind, carrying <c>email</c> and <c>name</c> where the door's test
/// automations read them: the seeds the property tests and the fuzz harness mutate.
/// </summary>
internal static class DoorSamples
{
    public static IReadOnlyDictionary<string, string> ByKind { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["shared-secret"] = """{"email":"ada@example.com","name":"Ada Lovelace","plan":"pro","tags":["a","b"],"amount":49.5}""",
        ["stripe"] = """{"id":"evt_1QsampLE","object":"event","type":"checkout.session.completed","created":1764000000,"email":"ada@example.com","name":"Ada Lovelace","data":{"object":{"payment_status":"paid","amount_total":4900}}}""",
        ["standard-webhooks"] = """{"type":"user.created","timestamp":"2026-11-30T10:00:00Z","email":"ada@example.com","name":"Ada Lovelace","data":{"id":"user_1"}}""",
        ["typeform"] = """{"event_id":"01JXAMPLE","event_type":"form_response","email":"ada@example.com","name":"Ada Lovelace","form_response":{"answers":[{"type":"email","email":"ada@example.com","field":{"ref":"email"}}]}}""",
        ["tally"] = """{"eventId":"a1b2","eventType":"FORM_RESPONSE","createdAt":"2026-11-30T10:00:00Z","email":"ada@example.com","name":"Ada Lovelace","data":{"fields":[{"key":"q1","label":"Email","type":"INPUT_EMAIL","value":"ada@example.com"}]}}""",
        ["lemonsqueezy"] = """{"meta":{"event_name":"order_created","custom_data":{"portal":"1"}},"data":{"type":"orders","id":"101","attributes":{"user_email":"ada@example.com","updated_at":"2026-11-30T10:00:00Z"}},"email":"ada@example.com","name":"Ada Lovelace"}""",
        ["paddle"] = """{"event_id":"evt_01hv","event_type":"transaction.completed","occurred_at":"2026-11-30T10:00:00Z","email":"ada@example.com","name":"Ada Lovelace","data":{"id":"txn_01","custom_data":{"email":"ada@example.com"}}}""",
        ["hubspot"] = """[{"eventId":1873521423,"subscriptionType":"contact.propertyChange","objectId":123,"propertyName":"email","propertyValue":"ada@example.com","email":"ada@example.com","name":"Ada Lovelace"},{"eventId":1873521424,"subscriptionType":"contact.creation","objectId":124,"email":"grace@example.com","name":"Grace Hopper"}]""",
        ["pipedrive"] = """{"v":1,"meta":{"v":1,"action":"updated","object":"deal","id":42,"webhook_id":"77","timestamp":1764000000,"timestamp_micro":1764000000000001},"current":{"id":42,"status":"won"},"email":"ada@example.com","name":"Ada Lovelace"}""",
    };

    public static byte[] Bytes(string kind) => Encoding.UTF8.GetBytes(ByKind[kind]);

    /// <summary>An automation on every kind's hook creating a user from <c>payload.email</c> / <c>payload.name</c> (HubSpot: each item's).</summary>
    public static string CreateUserOnEveryHook() => "{" + string.Join(",", SignedDeliveries.Kinds.Select(kind => $$$"""
        "create-on-{{{kind}}}": { "Hook": "{{{kind}}}", "Steps": [ { "Id": "user", "Action": "user.create",
            "Inputs": { "email": "{{ payload.email }}", "fullName": "{{ payload.name | default: 'Someone' }}" } } ] }
        """)) + "}";
}
