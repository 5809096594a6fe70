using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Automations;

/// <summary>
/// Every automation compiled once, indexed by hook, with the values of the app settings their templates
/// read. Start-up validation (<see cref="AutomationsOptionsValidator"/>) has already refused a bad
/// configuration; this compiles the same definitions the same way.
/// </summary>
public sealed partial class AutomationCatalog
{
    private readonly Dictionary<string, List<CompiledAutomation>> _byHook = new(StringComparer.Ordinal);

    public AutomationCatalog(IOptions<AutomationsOptions> automations, IOptions<WebhooksOptions> hooks, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(automations);
        ArgumentNullException.ThrowIfNull(hooks);
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        var compiled = AutomationCompiler.CompileAll(automations.Value, hooks.Value, configuration, problems);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The automations are invalid: " + string.Join(" ", problems));
        }
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var automation in compiled)
        {
            (_byHook.TryGetValue(automation.Hook, out var list) ? list : _byHook[automation.Hook] = []).Add(automation);
            foreach (var setting in automation.Steps.SelectMany(step => step.Inputs.Concat(step.Fields)).SelectMany(mapping => mapping.Value.SettingReferences))
            {
                settings[setting] = configuration[setting];
            }
        }
        Settings = settings;
    }

    /// <summary>The app settings templates read, and only those: a template cannot reach the rest of the configuration.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    public IReadOnlyList<CompiledAutomation> ForHook(string hook) => _byHook.TryGetValue(hook, out var list) ? list : [];

    /// <summary>Whether a setting's value must never be shown: its name says it is a secret.</summary>
    public static bool IsSecretSetting(string name) => SecretName().IsMatch(name);

    [GeneratedRegex("KEY|SECRET|TOKEN|PASSWORD|CONNECTION", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();
}
