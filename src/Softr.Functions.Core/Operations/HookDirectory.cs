using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Softr.Functions.Automations;
using Softr.Functions.Events;
using Softr.Functions.Webhooks;
using Softr.Resilience;

namespace Softr.Functions.Operations;

/// <summary>One hook as the console shows it: where the sender posts, who the sender is, what it handles, its automations and its last processed event (in the last week).</summary>
public sealed record HookInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("sender")] string Sender,
    [property: JsonPropertyName("events")] IReadOnlyList<string> Events,
    [property: JsonPropertyName("schema")] string? Schema,
    [property: JsonPropertyName("priority")] string Priority,
    [property: JsonPropertyName("queue")] string Queue,
    [property: JsonPropertyName("automations")] IReadOnlyList<AutomationInfo> Automations,
    [property: JsonPropertyName("lastEvent")] EventSummary? LastEvent)
{
    /// <summary>The Softr connections (apps) its automations' steps call, each once, in order.</summary>
    [JsonPropertyName("connections")]
    public IReadOnlyList<string> Connections => [.. Automations.SelectMany(automation => automation.Steps).Select(step => step.Connection).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal)];
}

/// <summary>
/// An automation and its steps, as declared (templates, never app-setting values), but for each connection: the name a
/// <c>{{ settings.NAME }}</c> reference resolved to at start, since that is the app its steps call.
/// </summary>
public sealed record AutomationInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("events")] IReadOnlyList<string> Events,
    [property: JsonPropertyName("disabled")] bool Disabled,
    [property: JsonPropertyName("priority")] string? Priority,
    [property: JsonPropertyName("connection")] string Connection,
    [property: JsonPropertyName("steps")] IReadOnlyList<AutomationStepInfo> Steps);

/// <summary>One declared step: its id, its action and the names of the inputs and fields it maps.</summary>
public sealed record AutomationStepInfo(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("inputs")] IReadOnlyDictionary<string, string> Inputs,
    [property: JsonPropertyName("fields")] IReadOnlyDictionary<string, string> Fields,
    [property: JsonPropertyName("connection")] string Connection);

/// <summary>
/// The hooks and automations as configured (hooks.json and app settings), for <c>GET /api/manage/hooks</c>.
/// Mappings are shown as written: a template names a setting (<c>{{ settings.X }}</c>), it never holds its value.
/// </summary>
public sealed class HookDirectory(IOptions<WebhooksOptions> hooks, IOptions<AutomationsOptions> automations, EventIndex index, TimeProvider time)
{
    /// <summary>
    /// How far back a hook's last event is looked for: a key range of the events list, so a quiet hook's
    /// lookup reads a week of rows at most rather than the whole list.
    /// </summary>
    public static readonly TimeSpan LastEventWindow = TimeSpan.FromDays(7);

    /// <summary>The path a hook's sender posts to (the function's route under <c>/api</c>).</summary>
    public static string PathOf(string hook) => $"/api/hooks/{Uri.EscapeDataString(hook)}";

    public async Task<IReadOnlyList<HookInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow() - LastEventWindow;
        var all = hooks.Value.Hooks.OrderBy(hook => hook.Key, StringComparer.Ordinal).ToList();
        // The newest processed event of each hook, looked up side by side: the index's key order is newest first.
        var lasts = await Task.WhenAll(all.Select(async hook =>
            (await index.ListAsync(new EventFilter(hook.Key, From: since), 1, null, cancellationToken).ConfigureAwait(false)).Items.FirstOrDefault())).ConfigureAwait(false);
        return [.. all.Select((hook, i) => new HookInfo(hook.Key, PathOf(hook.Key), hook.Value.Sender, hook.Value.Events, hook.Value.Schema, LaneOf(hook.Value.Priority).Name, LaneOf(hook.Value.Priority).Queue,
            AutomationsOf(hook.Key), lasts[i]))];
    }

    private static EventLane LaneOf(string priority) => EventLane.Of(EventLane.Parse(priority) ?? CallPriority.Normal);

    private List<AutomationInfo> AutomationsOf(string hook) =>
        [.. automations.Value.Automations.Where(automation => string.Equals(automation.Value.Hook, hook, StringComparison.OrdinalIgnoreCase))
            .OrderBy(automation => automation.Key, StringComparer.Ordinal)
            .Select(automation => new AutomationInfo(automation.Key, automation.Value.Description, automation.Value.Events, automation.Value.Disabled,
                automation.Value.Priority is null ? null : LaneOf(automation.Value.Priority).Name, ConnectionOf(automation.Value.Connection),
                [.. automation.Value.Steps.Select((step, i) => new AutomationStepInfo(step.Id ?? $"step{i + 1}", step.Action, step.Inputs, step.Fields,
                    ConnectionOf(string.IsNullOrWhiteSpace(step.Connection) ? automation.Value.Connection : step.Connection)))]))];

    private static string ConnectionOf(string? named) => string.IsNullOrWhiteSpace(named) ? SoftrConnection.DefaultName : named;
}
