using System.Text;

namespace Softr.Functions.Tests.Webhooks;

/// <summary>
/// A valid delivery per sender kind (<c>Webhooks/Samples/{kind}.json</c>), carrying <c>email</c> and <c>name</c> where
/// the door's test automations read them: the seeds the property tests and the fuzz harness mutate.
/// </summary>
internal static class DoorSamples
{
    /// <summary>Where each kind's sample is kept: <c>{kind}.json</c>, one per registered sender (a new sender adds its own).</summary>
    public static string Folder => Path.Combine(Softr.Functions.Testing.RepositoryPaths.Root, "tests", "Softr.Functions.Tests", "Webhooks", "Samples");

    public static IReadOnlyDictionary<string, string> ByKind { get; } = SignedDeliveries.Kinds.ToDictionary(kind => kind, Read, StringComparer.Ordinal);

    private static string Read(string kind)
    {
        var path = Path.Combine(Folder, kind + ".json");
        return File.Exists(path)
            ? File.ReadAllText(path).TrimEnd()
            : throw new InvalidOperationException($"Sender kind '{kind}' has no sample delivery: add {path} (a valid delivery carrying 'email' and 'name').");
    }

    public static byte[] Bytes(string kind) => Encoding.UTF8.GetBytes(ByKind[kind]);

    /// <summary>An automation on every kind's hook creating a user from <c>payload.email</c> / <c>payload.name</c> (HubSpot: each item's).</summary>
    public static string CreateUserOnEveryHook() => "{" + string.Join(",", SignedDeliveries.Kinds.Select(kind => $$$"""
        "create-on-{{{kind}}}": { "Hook": "{{{kind}}}", "Steps": [ { "Id": "user", "Action": "user.create",
            "Inputs": { "email": "{{ payload.email }}", "fullName": "{{ payload.name | default: 'Someone' }}" } } ] }
        """)) + "}";
}
