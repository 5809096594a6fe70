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
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, definition) in automations.Value.Automations.OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            var compiled = AutomationCompiler.Compile(name, definition, hooks.Value, setting => !string.IsNullOrEmpty(configuration[setting]), problems);
            if (compiled is null)
            {
                continue;
            }
            (_byHook.TryGetValue(compiled.Hook, out var list) ? list : _byHook[compiled.Hook] = []).Add(compiled);
            foreach (var setting in compiled.Steps.SelectMany(step => step.Inputs.Concat(step.Fields)).SelectMany(mapping => mapping.Value.SettingReferences))
            {
                settings[setting] = configuration[setting];
            }
        }
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The automations are invalid: " + string.Join(" ", problems));
        }
        Settings = settings;
    }

    /// <summary>The app settings templates read, and only those: a template cannot reach the rest of the configuration.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    public IReadOnlyList<CompiledAutomation> ForHook(string hook) => _byHook.TryGetValue(hook, out var list) ? list : [];

    /// <summary>Whether a setting's value must never be shown: its name says it is a secret.</summary>
    public static bool IsSecretSetting(string name) => SecretName().IsMatch(name);

    [System.Text.RegularExpressions.GeneratedRegex("KEY|SECRET|TOKEN|PASSWORD|CONNECTION", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex SecretName();
}
