namespace Softr.Functions.EndToEndTests;

/// <summary>
/// A running system with a slow Softr budget (2 writes a second, so a backlog of sixty sign-ups takes thirty seconds),
/// a high-priority hook and a second normal hook beside the normal one, and a door that takes more than three events
/// in a row from one hook for a flood.
/// </summary>
public sealed class LanesSystem : SystemUnderTest
{
    public const string PaidHook = "paid";
    public const string TrickleHook = "trickle";

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
    [
        new("Softr:WritesPerSecond", "2"),
        new("Webhooks:FloodBurst", "3"),
        .. SignupHook(PaidHook, "high"),
        .. SignupHook(TrickleHook, "normal"),
    ];

    private static IEnumerable<KeyValuePair<string, string?>> SignupHook(string hook, string priority) =>
    [
        new($"Webhooks:Hooks:{hook}:SecretSettings:0", "E2E_HOOK_SECRET"),
        new($"Webhooks:Hooks:{hook}:Priority", priority),
        new($"Automations:{hook}-signup:Hook", hook),
        new($"Automations:{hook}-signup:Steps:0:Id", "user"),
        new($"Automations:{hook}-signup:Steps:0:Action", "user.create"),
        new($"Automations:{hook}-signup:Steps:0:Inputs:email", "{{ payload.email }}"),
        new($"Automations:{hook}-signup:Steps:0:Inputs:fullName", "{{ payload.full_name }}"),
    ];
}
