using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Softr.Functions.Automations;
using Softr.Functions.Webhooks.Senders;

namespace Softr.Functions.Webhooks;

/// <summary>
/// Every hook resolved once, at start-up, into the immutable model the rest of the app carries
/// (<see cref="ResolvedHook"/>): its sender, its schema and its automations, compiled with the values of the
/// app settings their templates read. Names resolve here and only here: a hook by any case of its name is
/// the same object, an automation naming its hook in another case belongs to it, and whatever cannot be
/// resolved stops the start with a message naming it (start-up validation has refused most of it already).
/// </summary>
public sealed partial class HookCatalog
{
    private readonly Dictionary<string, ResolvedHook> _byName = new(StringComparer.OrdinalIgnoreCase);

    public HookCatalog(IOptions<WebhooksOptions> hooks, IOptions<AutomationsOptions> automations, WebhookSenders senders, PayloadSchemas.Folder schemaFolder,
        IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        ArgumentNullException.ThrowIfNull(automations);
        ArgumentNullException.ThrowIfNull(senders);
        ArgumentNullException.ThrowIfNull(schemaFolder);
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        var compiled = AutomationCompiler.CompileAll(automations.Value, hooks.Value, configuration, problems);
        foreach (var (name, definition) in hooks.Value.Hooks.OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            if (senders.Find(definition.Sender) is not { } sender)
            {
                problems.Add($"Hook '{name}': Sender '{definition.Sender}' is not a known sender; use one of: {string.Join(", ", senders.Kinds)}.");
                continue;
            }
            _byName[name] = new ResolvedHook
            {
                Name = name,
                Definition = definition,
                Sender = sender,
                Schema = PayloadSchemas.IsFile(definition.Schema) ? PayloadSchemas.Load(schemaFolder.Path, definition.Schema!) : null,
                // The compiler gave each automation its hook's configured name.
                Automations = [.. compiled.Where(automation => automation.Hook == name)],
            };
        }
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The hooks or automations are invalid: " + string.Join(" ", problems));
        }
        All = [.. _byName.Values.OrderBy(hook => hook.Name, StringComparer.Ordinal)];
        Settings = compiled.SelectMany(automation => automation.Steps).SelectMany(step => step.Inputs.Concat(step.Fields))
            .SelectMany(mapping => mapping.Value.SettingReferences).Distinct(StringComparer.Ordinal)
            .ToDictionary(setting => setting, setting => configuration[setting], StringComparer.Ordinal);
    }

    /// <summary>Every hook, in name order.</summary>
    public IReadOnlyList<ResolvedHook> All { get; }

    /// <summary>The app settings templates read, and only those: a template cannot reach the rest of the configuration.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>The hook named <paramref name="name"/> in any case (a URL segment, an envelope's hook); null when there is none.</summary>
    public ResolvedHook? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The hooks whose automations have a step that calls <paramref name="connection"/> (by name, in any case).</summary>
    public IReadOnlyList<string> HooksCalling(string connection) =>
        [.. All.Where(hook => hook.Automations.Any(automation => automation.Steps.Any(step => string.Equals(step.Connection, connection, StringComparison.OrdinalIgnoreCase))))
            .Select(hook => hook.Name)];

    /// <summary>Whether a setting's value must never be shown: its name says it is a secret.</summary>
    public static bool IsSecretSetting(string name) => SecretName().IsMatch(name);

    [GeneratedRegex("KEY|SECRET|TOKEN|PASSWORD|CONNECTION", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();
}
