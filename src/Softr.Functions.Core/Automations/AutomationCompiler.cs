using Microsoft.Extensions.Configuration;
using System.Text.RegularExpressions;
using Softr.Functions.Events;
using Softr.Functions.Hosting;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Automations;

/// <summary>
/// Turns a definition into a <see cref="CompiledAutomation"/>, collecting every problem with the file,
/// the automation and the step named, so that a bad automation stops the app at start-up with a message
/// that says where to look, rather than failing events later.
/// </summary>
public static partial class AutomationCompiler
{
    /// <summary>
    /// What one configuration compiled to, kept with the configuration it came from: start-up validation and the
    /// hook catalog both ask, for the same objects, and the automations are compiled once, not once for each.
    /// </summary>
    private sealed record Compilation(WebhooksOptions Hooks, IConfiguration Configuration, List<CompiledAutomation> Automations, List<string> Problems);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AutomationsOptions, Compilation> Compiled = new();

    /// <summary>
    /// Every automation in the configuration, in name order; the bad ones are left out and their problems added.
    /// Compiled once per configuration (the same three objects); asked again, the same automations and problems.
    /// </summary>
    public static List<CompiledAutomation> CompileAll(AutomationsOptions automations, WebhooksOptions hooks, IConfiguration configuration, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(automations);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(problems);
        if (!Compiled.TryGetValue(automations, out var compilation) || !ReferenceEquals(compilation.Hooks, hooks) || !ReferenceEquals(compilation.Configuration, configuration))
        {
            var found = new List<string>();
            var connections = ConnectionsOf(configuration);
            List<CompiledAutomation> compiled = [.. automations.Automations.OrderBy(entry => entry.Key, StringComparer.Ordinal)
                .Select(entry => Compile(entry.Key, entry.Value, hooks, setting => !string.IsNullOrEmpty(configuration[setting]), connections, found,
                    HooksFile.FileOf(configuration, entry.Key) ?? HooksFile.FileName))
                .OfType<CompiledAutomation>()];
            compilation = new Compilation(hooks, configuration, compiled, found);
            Compiled.AddOrUpdate(automations, compilation);
        }
        problems.AddRange(compilation.Problems);
        return [.. compilation.Automations];
    }

    /// <summary>The Softr connections the configuration defines (its <c>Softr</c> section), by name.</summary>
    public static IReadOnlyDictionary<string, SoftrConnection> ConnectionsOf(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return SoftrConnections.Resolve(configuration.GetSection(SoftrClientOptions.SectionName).Get<SoftrClientOptions>() ?? new SoftrClientOptions());
    }

    /// <param name="isSettingSet">Whether an app setting a template reads (<c>settings.NAME</c>) has a value.</param>
    /// <param name="connections">The Softr connections defined, by name (<see cref="ConnectionsOf"/>).</param>
    /// <param name="file">The file that defines it, for the problems' messages (hooks.json or a drop-in).</param>
    public static CompiledAutomation? Compile(string name, AutomationDefinition definition, WebhooksOptions hooks, Func<string, bool> isSettingSet,
        IReadOnlyDictionary<string, SoftrConnection> connections, List<string> problems, string file = HooksFile.FileName)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(hooks);
        ArgumentNullException.ThrowIfNull(problems);
        var where = $"{file}, automation '{name}'";
        var before = problems.Count;

        if (!AutomationName().IsMatch(name))
        {
            problems.Add($"{where}: the name must be 1-64 letters, digits, '-' or '_'.");
        }
        // The hook by any case of its name (as a URL finds it); the automation is filed under the name as configured.
        var hookName = hooks.Hooks.Keys.FirstOrDefault(key => string.Equals(key, definition.Hook, StringComparison.OrdinalIgnoreCase));
        if (hookName is null || !hooks.Hooks.TryGetValue(hookName, out var hook))
        {
            problems.Add($"{where}: Hook '{definition.Hook}' is not defined under Webhooks:Hooks; defined: {string.Join(", ", hooks.Hooks.Keys)}.");
        }
        else if (hook.Events.Count > 0)
        {
            foreach (var type in definition.Events.Where(type => !hook.Events.Contains(type, StringComparer.Ordinal)))
            {
                problems.Add($"{where}: event type '{type}' is not among the events hook '{definition.Hook}' accepts ({string.Join(", ", hook.Events)}), so it would never run.");
            }
        }
        var when = definition.When is null ? null : Condition.Compile(definition.When, where + ", When", problems);
        var priority = definition.Priority is null ? null : EventLane.Parse(definition.Priority);
        if (definition.Priority is not null && priority is null)
        {
            problems.Add($"{where}: Priority '{definition.Priority}' is not a priority; use one of: {EventLane.Names}.");
        }
        if (definition.Steps.Count == 0)
        {
            problems.Add($"{where}: Steps is empty; an automation needs at least one step.");
        }

        var connection = ConnectionNamed(where, definition.Connection, definition.ConnectionFromSetting, connections, problems);

        var steps = new List<CompiledStep>();
        for (var i = 0; i < definition.Steps.Count; i++)
        {
            if (CompileStep(where, i + 1, definition.Steps[i], steps, isSettingSet, problems) is { } step
                && StepConnection(where, step, definition.Steps[i], connection, connections, problems) is { } stepConnection)
            {
                steps.Add(stepConnection);
            }
        }

        return problems.Count > before ? null : new CompiledAutomation
        {
            Name = name,
            Description = definition.Description,
            Hook = hookName!,
            Events = definition.Events.ToHashSet(StringComparer.Ordinal),
            When = when,
            Steps = steps,
            Disabled = definition.Disabled,
            Priority = priority,
            Connection = connection?.Name ?? SoftrConnection.DefaultName,
        };
    }

    /// <summary>The connection <paramref name="name"/> names (absent: the default); null, with the problem added, when none has that name.</summary>
    /// <param name="fromSetting">The app setting the name was read from, if it was: the one to fix when the name is wrong.</param>
    private static SoftrConnection? ConnectionNamed(string where, string? name, string? fromSetting, IReadOnlyDictionary<string, SoftrConnection> connections,
        List<string> problems)
    {
        if (ConnectionSetting.Problem(where, name) is { } unresolved)
        {
            problems.Add(unresolved);
            return null;
        }
        var wanted = string.IsNullOrWhiteSpace(name) ? SoftrConnection.DefaultName : name;
        if (connections.TryGetValue(wanted, out var connection))
        {
            return connection;
        }
        var source = fromSetting is null ? "" : $" (from app setting {fromSetting})";
        problems.Add($"{where}: Connection '{wanted}'{source} is not defined under {SoftrClientOptions.SectionName}:{SoftrClientOptions.ConnectionsKey}; defined: {string.Join(", ", connections.Keys.Order(StringComparer.Ordinal))}.");
        return null;
    }

    /// <summary>The step with the connection it calls (its own, else its automation's); null, with the problem added, when none has that name.</summary>
    private static CompiledStep? StepConnection(string automation, CompiledStep step, StepDefinition own, SoftrConnection? automationConnection,
        IReadOnlyDictionary<string, SoftrConnection> connections, List<string> problems)
    {
        // A blank override (an app setting emptied to clear it, or a setting's empty default) leaves the automation's, never the default's.
        var connection = string.IsNullOrWhiteSpace(own.Connection)
            ? automationConnection
            : ConnectionNamed($"{automation}, {step}", own.Connection, own.ConnectionFromSetting, connections, problems);
        return connection is null ? null : new CompiledStep
        {
            Number = step.Number, Id = step.Id, Action = step.Action, Inputs = step.Inputs, Fields = step.Fields, Connection = connection.Name,
        };
    }

    /// <summary>
    /// Each step whose connection cannot serve it, in words naming the file, the automation, the step and the setting to set:
    /// no key to call Softr with, or a Users API action on a connection without the domain that names the app. Asked at
    /// start-up (<see cref="AutomationsOptionsValidator"/>), not when compiling: the door's hook catalog needs no Softr key.
    /// </summary>
    public static IEnumerable<string> UnservedSteps(IEnumerable<CompiledAutomation> automations, IReadOnlyDictionary<string, SoftrConnection> connections,
        Func<string, string> fileOf)
    {
        ArgumentNullException.ThrowIfNull(automations);
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentNullException.ThrowIfNull(fileOf);
        foreach (var automation in automations.Where(automation => !automation.Disabled))
        {
            foreach (var step in automation.Steps)
            {
                var where = $"{fileOf(automation.Name)}, automation '{automation.Name}', {step}";
                var connection = connections[step.Connection];
                if (string.IsNullOrWhiteSpace(connection.ApiKey))
                {
                    yield return $"{where}: connection '{connection.Name}' has no key to call Softr with; set {connection.ApiKeySetting} (app setting {connection.ApiKeySetting.Replace(":", "__", StringComparison.Ordinal)}).";
                }
                if (step.Action.UsesUsersApi && !connection.HasDomain)
                {
                    yield return $"{where}: {step.Action.Name} calls the Users API, which names the app by its domain, and connection '{connection.Name}' has none; set {connection.DomainSetting}.";
                }
            }
        }
    }

    private static CompiledStep? CompileStep(string automation, int number, StepDefinition definition, IReadOnlyList<CompiledStep> earlier,
        Func<string, bool> isSettingSet, List<string> problems)
    {
        var id = string.IsNullOrEmpty(definition.Id) ? $"step{number}" : definition.Id;
        var where = $"{automation}, step {number} '{id}' ({definition.Action})";
        var before = problems.Count;
        if (!SoftrActions.All.TryGetValue(definition.Action, out var action))
        {
            problems.Add($"{where}: Action '{definition.Action}' is unknown; use one of: {string.Join(", ", SoftrActions.All.Keys)}.");
            return null;
        }
        if (!StepId().IsMatch(id))
        {
            problems.Add($"{where}: Id must start with a letter and use letters, digits or '_' (templates refer to it as steps.{id}).");
        }
        if (earlier.Any(step => string.Equals(step.Id, id, StringComparison.OrdinalIgnoreCase)))
        {
            problems.Add($"{where}: Id '{id}' is used by an earlier step.");
        }
        foreach (var required in action.Required.Where(required => !definition.Inputs.TryGetValue(required, out var text) || string.IsNullOrWhiteSpace(text)))
        {
            problems.Add($"{where}: input '{required}' is required by {action.Name} but no mapping provides it.");
        }
        foreach (var unknown in definition.Inputs.Keys.Where(input => !action.Accepts(input)))
        {
            problems.Add($"{where}: input '{unknown}' is not an input of {action.Name}; it takes {string.Join(", ", action.Required.Concat(action.Optional))}.");
        }
        if (!action.TakesFields && definition.Fields.Count > 0)
        {
            problems.Add($"{where}: {action.Name} takes no Fields.");
        }
        if (action.TakesFields && definition.Fields.Count == 0)
        {
            problems.Add($"{where}: {action.Name} needs Fields: the record's fields by name, each mapped from the event.");
        }
        if (action.Name == SoftrActions.RecordUpsert && definition.Inputs.TryGetValue(SoftrActions.Key, out var key) && !definition.Fields.ContainsKey(key))
        {
            problems.Add($"{where}: the key field '{key}' must be one of its Fields, so that there is a value to look the record up by.");
        }

        var inputs = CompileMappings(where, "input", definition.Inputs, earlier, isSettingSet, problems);
        var fields = CompileMappings(where, "field", definition.Fields, earlier, isSettingSet, problems);
        return problems.Count > before ? null : new CompiledStep { Number = number, Id = id, Action = action, Inputs = inputs, Fields = fields };
    }

    private static List<KeyValuePair<string, Mapping>> CompileMappings(string where, string what, Dictionary<string, string> texts,
        IReadOnlyList<CompiledStep> earlier, Func<string, bool> isSettingSet, List<string> problems)
    {
        var mappings = new List<KeyValuePair<string, Mapping>>();
        foreach (var (name, text) in texts)
        {
            if (!Mapping.TryParse(text ?? "", out var mapping, out var error))
            {
                problems.Add($"{where}: {what} '{name}': the template '{text}' does not parse: {error}");
                continue;
            }
            foreach (var (stepId, output) in mapping.StepReferences)
            {
                // Templates are case-sensitive (payload.Email is not payload.email), and so are step ids in them.
                var source = earlier.FirstOrDefault(step => string.Equals(step.Id, stepId, StringComparison.Ordinal));
                var otherCase = earlier.FirstOrDefault(step => string.Equals(step.Id, stepId, StringComparison.OrdinalIgnoreCase));
                if (source is null && otherCase is not null)
                {
                    problems.Add($"{where}: {what} '{name}' uses steps.{stepId}.{output}, but the earlier step's id is '{otherCase.Id}' (templates are case-sensitive).");
                }
                else if (source is null)
                {
                    problems.Add($"{where}: {what} '{name}' uses steps.{stepId}.{output}, but no earlier step has the id '{stepId}'.");
                }
                else if (!source.Action.Outputs.Contains(output, StringComparer.Ordinal))
                {
                    problems.Add($"{where}: {what} '{name}' uses steps.{stepId}.{output}, but {source.Action.Name} gives only: {string.Join(", ", source.Action.Outputs)}.");
                }
            }
            foreach (var setting in mapping.SettingReferences.Where(setting => !isSettingSet(setting)))
            {
                problems.Add($"{where}: {what} '{name}' reads the app setting '{setting}', which is not set.");
            }
            mappings.Add(new(name, mapping));
        }
        return mappings;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex AutomationName();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,63}$")]
    private static partial Regex StepId();
}
