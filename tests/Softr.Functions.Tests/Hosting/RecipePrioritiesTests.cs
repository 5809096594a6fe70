using System.Text.Json;
using Softr.Functions.Testing;

namespace Softr.Functions.Tests.Hosting;

/// <summary>
/// The shipped recipes carry the priority their use calls for (issue #25, item 1): a payment's onboarding is
/// <c>high</c>, a CRM sync is <c>bulk</c>, everything else is left <c>normal</c>.
/// </summary>
public sealed class RecipePrioritiesTests
{
    private static readonly Dictionary<string, string> BySender = new(StringComparer.Ordinal)
    {
        ["stripe"] = "high",
        ["paddle"] = "high",
        ["lemonsqueezy"] = "high",
        ["hubspot"] = "bulk",
        ["pipedrive"] = "bulk",
    };

    public static TheoryData<string> Files => [.. Recipes.Files.Select(Path.GetFileNameWithoutExtension).OfType<string>()];

    [Theory]
    [MemberData(nameof(Files))]
    public void EachRecipesHooks_ShipTheirSendersPriority(string recipe)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Recipes.Path(recipe)));
        foreach (var hook in document.RootElement.GetProperty("Webhooks").GetProperty("Hooks").EnumerateObject())
        {
            var sender = hook.Value.GetProperty("Sender").GetString()!;
            var priority = hook.Value.TryGetProperty("Priority", out var set) ? set.GetString() : "normal";

            Assert.Equal(BySender.GetValueOrDefault(sender, "normal"), priority);
        }
    }
}
