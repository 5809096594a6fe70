using Softr.Functions.Processing;
using Softr.Http;

namespace Softr.Functions.Automations;

/// <summary>
/// One Softr operation a step can run, whole, in one class: its name, its inputs (a typed record) and their
/// rules (the record's validator; see <see cref="SoftrAction{TInput}"/>), the results later steps may use as
/// <c>steps.{id}.{output}</c>, the Softr operations it calls (and from them, which budget it spends and whether
/// repeating it is harmless), how it calls Softr and how its outcome reads. Adding an action is adding one
/// subclass of <see cref="SoftrAction{TInput}"/> (in <c>Automations/Actions</c>) and listing it in <see cref="SoftrActions.All"/>.
/// </summary>
public abstract class SoftrAction
{
    /// <summary>The name steps use, e.g. <c>user.create</c>.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Every Softr operation its call may make, reads of a table's schema included. A call the action does not
    /// declare is refused before it goes out (<see cref="StepCallGuard"/>), so what the action declares is
    /// what decides whether it is safe to repeat, and nothing it calls can slip past the started mark.
    /// </summary>
    public abstract IReadOnlyList<SoftrOperation> Operations { get; }

    /// <summary>Which of Softr's budgets the call spends: a write when any of its operations writes.</summary>
    public ActionKind Kind => _kind ??= Operations.Any(operation => operation.Kind == SoftrCallKind.Write) ? ActionKind.Write : ActionKind.Read;

    /// <summary>Whether it calls the Users API, which needs its connection's domain.</summary>
    public bool UsesUsersApi => Operations.Any(operation => operation.IsUsersApi);

    /// <summary>What it does, in a sentence (the README's table and the dry run).</summary>
    public abstract string Description { get; }

    /// <summary>Its inputs, each with whether a step must map it and the rule its value must meet.</summary>
    public abstract IReadOnlyList<ActionInput> Inputs { get; }

    /// <summary>Whether the step maps record fields (<c>Fields</c>), each checked by <see cref="InputRules.FieldName"/> and <see cref="InputRules.FieldValue"/>.</summary>
    public abstract bool TakesFields { get; }

    public virtual IReadOnlyList<string> Outputs => [];

    /// <summary>
    /// The results that are credentials (a magic link): kept encrypted at rest, shown as <c>[redacted]</c>
    /// by every read API, and given in the clear only to the steps after this one.
    /// </summary>
    public virtual IReadOnlyList<string> SecretOutputs => [];

    /// <summary><see cref="SecretOutputs"/> as a set.</summary>
    public IReadOnlySet<string> SecretNames => _secretNames ??= SecretOutputs.ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Whether running the step again after an unknown outcome (a timeout, a crash mid-call) does no harm:
    /// true when none of its <see cref="Operations"/> is one Softr must not receive twice
    /// (<see cref="RetrySafety.OnlyIfNotReceived"/>: an invitation is a second e-mail, a create a second record).
    /// An action that calls one and still is safe to repeat says why by overriding <see cref="RepeatsSafelyBecause"/>.
    /// </summary>
    public bool SafeToRepeat => _safeToRepeat ??= RepeatsSafelyBecause is not null
        || Operations.All(operation => operation.RetrySafety == RetrySafety.SafeToRepeat);

    /// <summary>
    /// Why the action is safe to repeat though it calls an operation that is not (<c>record.upsert</c>: a repeat
    /// searches first, under the key's lock, and finds what the first run created); null for the rest.
    /// </summary>
    public virtual string? RepeatsSafelyBecause => null;

    /// <summary>Whether the action may make <paramref name="operation"/>: it is one of its <see cref="Operations"/>.</summary>
    public bool Declares(SoftrOperation? operation) => operation is not null && (_operations ??= Operations.ToHashSet()).Contains(operation);

    // Worked out once: evaluation asks for them for every step of every event.
    private IReadOnlyList<string>? _required;
    private IReadOnlyList<string>? _optional;

    private IReadOnlySet<string>? _secretNames;

    private ActionKind? _kind;

    private bool? _safeToRepeat;

    private HashSet<SoftrOperation>? _operations;

    public IReadOnlyList<string> Required => _required ??= [.. Inputs.Where(input => input.Required).Select(input => input.Name)];

    public IReadOnlyList<string> Optional => _optional ??= [.. Inputs.Where(input => !input.Required).Select(input => input.Name)];

    public bool Accepts(string input) => Inputs.Any(candidate => string.Equals(candidate.Name, input, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Every rendered value that breaks its rule (inputs by name; fields as <c>Fields.{name}</c>). Values
    /// still waiting for an earlier step's result are not passed in: they are checked once rendered.
    /// </summary>
    public abstract IEnumerable<(string Input, string Error)> Check(IEnumerable<KeyValuePair<string, string>> inputs, IEnumerable<KeyValuePair<string, string>> fields);

    /// <summary>Runs the call against Softr; returns the results the action declares in <see cref="Outputs"/>.</summary>
    public abstract Task<Dictionary<string, string?>> RunAsync(StepCall call, StepContext context, CancellationToken cancellationToken);

    /// <summary>What the step did, from its results, in words fit for the status: never a value (a magic link is a credential).</summary>
    public virtual string Describe(IReadOnlyDictionary<string, string?> outputs) => "done";

    public override string ToString() => Name;

    protected static Dictionary<string, string?> Results() => new(StringComparer.OrdinalIgnoreCase);
}
