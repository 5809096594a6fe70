using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.FileProviders;

namespace Softr.Functions.Hosting;

/// <summary>
/// <c>hooks.json</c>, shipped beside host.json, defines the hooks and automations; every
/// <c>hooks.d/*.json</c> beside it (a recipe copied in, one file per integration) is merged with it, in
/// file-name order. All of them are added at the lowest precedence, so that app settings
/// (<c>Webhooks__Hooks__{name}__...</c>) override anything in them. Two files that define the same hook or
/// automation stop the app at start, naming both: a merge would silently mix their settings.
/// </summary>
public static class HooksFile
{
    public const string FileName = "hooks.json";

    /// <summary>The folder of drop-in files beside hooks.json.</summary>
    public const string DropInFolder = "hooks.d";

    /// <summary>
    /// Where each automation came from, kept in the configuration (<c>HooksFiles:Automations:{name}</c> =
    /// <c>hooks.d/x.json</c>) so that a problem with it names the right file.
    /// </summary>
    public static string? FileOf(IConfiguration configuration, string automation)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration[$"{SourcesSection}:{automation}"];
    }

    private const string SourcesSection = "HooksFiles:Automations";

    /// <exception cref="InvalidOperationException">Two files define the same hook or automation, or a drop-in is not a JSON object.</exception>
    public static IConfigurationBuilder AddHooksFile(this IConfigurationBuilder configuration, string directory)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(directory);
        var dropIns = Directory.Exists(Path.Combine(directory, DropInFolder))
            ? Directory.GetFiles(Path.Combine(directory, DropInFolder), "*.json").Select(path => $"{DropInFolder}/{Path.GetFileName(path)}")
                .Order(StringComparer.Ordinal).ToList()
            : [];
        var files = new List<string> { FileName };
        files.AddRange(dropIns);
        var automations = CheckNoTwoDefineTheSame(directory, files);
        var provider = new PhysicalFileProvider(directory);
        for (var i = 0; i < files.Count; i++)
        {
            configuration.Sources.Insert(i, new JsonConfigurationSource
            {
                Path = files[i],
                Optional = false,
                ReloadOnChange = false,
                FileProvider = provider,
            });
        }
        configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = automations.Select(entry => KeyValuePair.Create($"{SourcesSection}:{entry.Key}", (string?)entry.Value)),
        });
        return configuration;
    }

    /// <summary>Each hook (named case-insensitively, as requests find them) and automation is defined in one file at most; gives each automation's file.</summary>
    private static Dictionary<string, string> CheckNoTwoDefineTheSame(string directory, IReadOnlyList<string> files)
    {
        var hooks = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var automations = new Dictionary<string, string>(StringComparer.Ordinal);
        var clashes = new List<string>();
        foreach (var file in files)
        {
            JsonElement root;
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, file)),
                    new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
                root = document.RootElement.Clone();
            }
            catch (JsonException exception)
            {
                throw new InvalidOperationException($"{file} is not valid JSON: {exception.Message}", exception);
            }
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidOperationException($"{file} must hold a JSON object (\"Webhooks\" and \"Automations\", as in hooks.json).");
            }
            Collect(Section(root, "Webhooks", "Hooks"), hooks, "hook", file, clashes);
            Collect(Section(root, "Automations"), automations, "automation", file, clashes);
        }
        if (clashes.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", clashes) + " Keep each in one file (or rename one of them) and start again.");
        }
        return automations;
    }

    private static void Collect(JsonElement? section, Dictionary<string, string> seen, string kind, string file, List<string> clashes)
    {
        if (section is not { ValueKind: JsonValueKind.Object } names)
        {
            return;
        }
        foreach (var name in names.EnumerateObject().Select(property => property.Name))
        {
            if (seen.TryGetValue(name, out var first))
            {
                clashes.Add($"The {kind} '{name}' is defined in both {first} and {file}.");
            }
            else
            {
                seen[name] = file;
            }
        }
    }

    // Configuration keys are case-insensitive, so the sections are found in any case.
    private static JsonElement? Section(JsonElement root, params string[] path)
    {
        var current = root;
        foreach (var key in path)
        {
            if (current.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            var found = current.EnumerateObject().Where(property => string.Equals(property.Name, key, StringComparison.OrdinalIgnoreCase)).Select(property => (JsonElement?)property.Value)
                .FirstOrDefault();
            if (found is not { } next)
            {
                return null;
            }
            current = next;
        }
        return current;
    }
}
