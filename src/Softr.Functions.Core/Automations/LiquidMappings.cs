using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fluid;
using Fluid.Values;
using Microsoft.Extensions.FileProviders;

using Softr.Functions.Webhooks.Senders;

namespace Softr.Functions.Automations;

/// <summary>
/// One mapped value: a literal, or a Liquid template (Fluid) rendered against the event. Parsed once,
/// when the configuration is loaded.
/// </summary>
public sealed partial class Mapping
{
    private readonly IFluidTemplate? _template;

    // The two commonest templates, a plain payload path and a plain setting, are read directly: the
    // same value Fluid would give, without its ~1.3 µs per render (measured; the door renders every
    // mapping of every automation on the hook). Anything else, filters included, goes through Fluid.
    private readonly string[]? _payloadPath;
    private readonly string? _setting;
    private readonly Func<MappingScope, string?>? _direct;

    private Mapping(string text, IFluidTemplate? template)
    {
        Text = text;
        _template = template;
        if (template is not null && PlainPayloadPath().Match(text) is { Success: true } path)
        {
            _payloadPath = path.Groups[1].Value.Split('.', StringSplitOptions.RemoveEmptyEntries);
        }
        else if (template is not null && PlainSetting().Match(text) is { Success: true } setting)
        {
            _setting = setting.Groups[1].Value;
        }
        _direct = _payloadPath is null && _setting is null ? null : Direct;
        StepReferences = template is null ? [] : [.. StepReference().Matches(text).Select(match => (match.Groups[1].Value, match.Groups[2].Value)).Distinct()];
        SettingReferences = template is null ? [] : [.. SettingReference().Matches(text).Select(match => match.Groups[1].Value).Distinct()];
    }

    /// <summary>As written in the configuration.</summary>
    public string Text { get; }

    public bool IsTemplate => _template is not null;

    /// <summary>The results of earlier steps it uses (<c>steps.{id}.{output}</c>): it can only be rendered once they have run.</summary>
    public IReadOnlyList<(string StepId, string Output)> StepReferences { get; }

    /// <summary>The app settings it reads (<c>settings.{NAME}</c>).</summary>
    public IReadOnlyList<string> SettingReferences { get; }

    public bool IsDeferred => StepReferences.Count > 0;

    /// <summary>Text with <c>{{ }}</c> or <c>{% %}</c> is a template; anything else is a literal.</summary>
    public static bool TryParse(string text, out Mapping mapping, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        error = null;
        if (!text.Contains("{{", StringComparison.Ordinal) && !text.Contains("{%", StringComparison.Ordinal))
        {
            mapping = new Mapping(text, null);
            return true;
        }
        if (LiquidMappings.Parser.TryParse(text, out var template, out error))
        {
            mapping = new Mapping(text, template);
            return true;
        }
        mapping = null!;
        return false;
    }

    /// <summary>The value for this event; null when the template renders nothing (or only spaces).</summary>
    public string? Render(MappingScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (_template is null)
        {
            return Text;
        }
        var rendered = scope.Render(_template, Text, _direct);
        return string.IsNullOrWhiteSpace(rendered) ? null : rendered;
    }

    /// <summary>What Fluid would render, read directly; null when only Fluid can say (a number, an object, an array, any other template).</summary>
    private string? Direct(MappingScope scope)
    {
        if (_setting is not null)
        {
            return scope.Settings.GetValueOrDefault(_setting) ?? "";
        }
        if (_payloadPath is null)
        {
            return null;
        }
        var current = scope.Payload;
        foreach (var name in _payloadPath)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return "";    // absent renders empty
            }
        }
        return current.ValueKind switch
        {
            JsonValueKind.String => current.GetString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null => "",
            _ => null,
        };
    }

    [GeneratedRegex(@"^\{\{\s*payload((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*\}\}$")]
    private static partial Regex PlainPayloadPath();

    [GeneratedRegex(@"^\{\{\s*settings\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$")]
    private static partial Regex PlainSetting();

    [GeneratedRegex(@"\bsteps\.([A-Za-z][A-Za-z0-9_]*)\.([A-Za-z][A-Za-z0-9_]*)")]
    private static partial Regex StepReference();

    [GeneratedRegex(@"\bsettings\.([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex SettingReference();
}

/// <summary>
/// What templates can see for one event: <c>payload</c> (the sender's JSON), <c>event</c> (id, type,
/// hook, sender, receivedAt), <c>steps</c> (earlier steps' results) and <c>settings</c> (only the app
/// settings the configuration names, never the whole configuration).
/// </summary>
public sealed class MappingScope
{
    private readonly TemplateContext _context;

    // Templates are deterministic over one scope, so the same text renders once per event however many
    // automations test or map it (50 automations checking payment_status is one render, not fifty).
    private readonly Dictionary<string, string> _rendered = new(StringComparer.Ordinal);

    public MappingScope(JsonElement payload, IReadOnlyDictionary<string, string?> eventFields, IReadOnlyDictionary<string, string?> settings,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>>? steps = null)
    {
        Payload = payload;
        Settings = settings;
        _context = new TemplateContext(LiquidMappings.Options);
        _context.SetValue("payload", LiquidMappings.ToFluid(payload));
        _context.SetValue("event", new TextMapFluidValue(eventFields));
        _context.SetValue("settings", new TextMapFluidValue(settings));
        _context.SetValue("steps", new StepsFluidValue(steps ?? new Dictionary<string, IReadOnlyDictionary<string, string?>>()));
    }

    internal JsonElement Payload { get; }

    internal IReadOnlyDictionary<string, string?> Settings { get; }

    /// <param name="direct">A way to the same value without Fluid, for the templates that have one (null: use Fluid).</param>
    internal string Render(IFluidTemplate template, string text, Func<MappingScope, string?>? direct = null)
    {
        if (_rendered.TryGetValue(text, out var known))
        {
            return known;
        }
        if (direct?.Invoke(this) is { } value)
        {
            return _rendered[text] = value;
        }
        // A child scope per template, so one template's {% assign %} cannot leak into the next.
        _context.EnterChildScope();
        try
        {
            return _rendered[text] = template.Render(_context);
        }
        finally
        {
            _context.ReleaseScope();
        }
    }
}

/// <summary>
/// The Liquid dialect of mappings: Fluid with no file access, bounded work per template, invariant
/// culture, UTC, and two filters for form answers (<c>find</c>, <c>answer</c>).
/// </summary>
public static class LiquidMappings
{
    /// <summary>Statements one template may execute: ample for any mapping, a stop for a runaway loop.</summary>
    public const int MaxSteps = 10_000;

    internal static FluidParser Parser { get; } = CreateParser();

    /// <summary>Liquid without the tags that read other templates from files: a mapping is one self-contained template.</summary>
    private static FluidParser CreateParser()
    {
        var parser = new FluidParser();
        parser.RegisteredTags.Remove("include");
        parser.RegisteredTags.Remove("render");
        return parser;
    }

    internal static TemplateOptions Options { get; } = CreateOptions();

    private static TemplateOptions CreateOptions()
    {
        var options = new TemplateOptions
        {
            MaxSteps = MaxSteps,
            MaxRecursion = 10,
            CultureInfo = CultureInfo.InvariantCulture,
            TimeZone = TimeZoneInfo.Utc,
            FileProvider = new NullFileProvider(),
        };
        options.MemberAccessStrategy.Register<JsonElement, object?>((element, name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var property) ? property : null);
        options.MemberAccessStrategy.Register<IReadOnlyDictionary<string, string?>, object?>((values, name) => values.GetValueOrDefault(name));
        options.MemberAccessStrategy.Register<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>>, object?>((steps, name) => steps.GetValueOrDefault(name));
        options.ValueConverters.Add(value => value is JsonElement element ? ToFluid(element) : null);
        options.Filters.AddFilter("find", Find);
        options.Filters.AddFilter("answer", Answer);
        return options;
    }

    internal static FluidValue ToFluid(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => new StringValue(element.GetString()!),
        JsonValueKind.Number => element.TryGetDecimal(out var number) ? NumberValue.Create(number) : new StringValue(element.GetRawText()),
        JsonValueKind.True => BooleanValue.True,
        JsonValueKind.False => BooleanValue.False,
        JsonValueKind.Array => new ArrayValue([.. element.EnumerateArray().Select(ToFluid)]),
        JsonValueKind.Object => new JsonObjectFluidValue(element),
        _ => NilValue.Instance,
    };

    /// <summary>
    /// <c>items | find: 'field.ref', 'email'</c>: the first item whose (dotted) property equals the
    /// value. <c>where</c> only looks one level deep, and form answers nest their keys.
    /// </summary>
    private static ValueTask<FluidValue> Find(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        var path = arguments.At(0).ToStringValue().Split('.');
        var wanted = arguments.At(1).ToStringValue();
        foreach (var item in Items(input, context))
        {
            if (string.Equals(Property(item, path)?.ToString(), wanted, StringComparison.Ordinal))
            {
                return ToFluid(item);
            }
        }
        return NilValue.Instance;
    }

    /// <summary>
    /// <c>answers | answer: 'email'</c>: a form answer's value by its field's ref, id, key or label, whatever the
    /// answer's type; choices give their text. Each form sender reads its own answers (<see cref="IFormAnswers"/>:
    /// Typeform's <c>form_response.answers</c>, Tally's <c>data.fields</c>).
    /// </summary>
    private static ValueTask<FluidValue> Answer(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        var wanted = arguments.At(0).ToStringValue();
        foreach (var item in Items(input, context))
        {
            foreach (var reader in FormAnswerReaders)
            {
                if (reader.TryReadAnswer(item, wanted, out var value))
                {
                    return ToFluid(value);
                }
            }
        }
        return NilValue.Instance;
    }

    private static readonly IFormAnswers[] FormAnswerReaders = [.. WebhookSenders.All.Registered.OfType<IFormAnswers>()];

    private static IEnumerable<JsonElement> Items(FluidValue input, TemplateContext context) =>
        input.Enumerate(context).Select(value => value.ToObjectValue()).OfType<JsonElement>();

    private static JsonElement? Property(JsonElement item, string[] path)
    {
        var current = item;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }
        return current;
    }
}
