using System.Globalization;

namespace Softr.Functions.Tests.Simulation;

/// <summary>How often things fail while the plan runs (the drain at the end runs without faults).</summary>
internal sealed record SimRates(
    double StorageBusy = 0,
    double StorageLostAnswer = 0,
    double SoftrRateLimited = 0,
    double SoftrUnavailable = 0,
    double SoftrFailedAfterActing = 0,
    double SoftrHangAfterActing = 0,
    double SoftrRefused = 0,
    double BudgetRefused = 0)
{
    public static SimRates None { get; } = new();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"storage busy {StorageBusy:0.##}, lost {StorageLostAnswer:0.##}; softr 429 {SoftrRateLimited:0.##}, 503 {SoftrUnavailable:0.##}, 502-after {SoftrFailedAfterActing:0.##}, hang-after {SoftrHangAfterActing:0.##}, refused {SoftrRefused:0.##}; budget refused {BudgetRefused:0.##}");
}

/// <summary>One thing that happens to the world, <see cref="Gap"/> after the one before it.</summary>
internal abstract record SimOp(TimeSpan Gap);

/// <summary>The sender posts event <paramref name="Event"/> (a copy, if it posted it before), retrying a 5xx as senders do.</summary>
internal sealed record DeliverOp(TimeSpan Gap, int Event) : SimOp(Gap);

/// <summary>An operator replays one event's dead letter.</summary>
internal sealed record ReplayOp(TimeSpan Gap, int Event) : SimOp(Gap);

/// <summary>Two operators replay every dead letter at once.</summary>
internal sealed record ReplayAllOp(TimeSpan Gap) : SimOp(Gap);

/// <summary>A person asks to be erased (in Softr too, when <paramref name="Softr"/>); the operator retries until it is done.</summary>
internal sealed record EraseOp(TimeSpan Gap, int Person, bool Softr) : SimOp(Gap);

/// <summary>The retention sweep runs (its gap may be days: time passes, with everything that runs in it).</summary>
internal sealed record SweepOp(TimeSpan Gap) : SimOp(Gap);

/// <summary>A process dies in the middle of a delivery: the next one running, <paramref name="Pick"/> % 12 steps on.</summary>
internal sealed record KillOp(TimeSpan Gap, int Pick) : SimOp(Gap);

/// <summary>The host shuts down under a delivery (its token fires): the next one running, <paramref name="Pick"/> % 12 steps on.</summary>
internal sealed record CancelOp(TimeSpan Gap, int Pick) : SimOp(Gap);

/// <summary>Storage stops answering for <paramref name="Length"/>.</summary>
internal sealed record OutageOp(TimeSpan Gap, TimeSpan Length) : SimOp(Gap);

/// <summary>
/// A run of the simulation: the seed of every choice the scheduler, the app and the fakes make, the
/// fault rates, and the operations in order. Events belong to people by <c>event % People</c>; a person's
/// first deliveries never come after their erasure (a copy of an earlier one may: senders retry).
/// </summary>
internal sealed record SimPlan(int Seed, int People, SimRates Rates, IReadOnlyList<SimOp> Ops)
{
    public int PersonOf(int @event) => @event % People;

    /// <summary>The plan with what cannot happen taken out: a first delivery for a person already erased.</summary>
    public SimPlan Repaired()
    {
        var delivered = new HashSet<int>();
        var erased = new HashSet<int>();
        var ops = new List<SimOp>();
        foreach (var op in Ops)
        {
            switch (op)
            {
                case DeliverOp deliver when !delivered.Contains(deliver.Event) && erased.Contains(PersonOf(deliver.Event)):
                    continue;
                case DeliverOp deliver:
                    delivered.Add(deliver.Event);
                    break;
                case EraseOp erase:
                    erased.Add(erase.Person);
                    break;
            }
            ops.Add(op);
        }
        return this with { Ops = ops };
    }

    /// <summary>
    /// A plan back from its text (<see cref="ToString"/>, as a failing run prints it), so that a plan the
    /// generator found can be kept as a named regression test.
    /// </summary>
    public static SimPlan Parse(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var head = System.Text.RegularExpressions.Regex.Match(lines[0],
            @"^seed (-?\d+), (\d+) people, storage busy ([\d.]+), lost ([\d.]+); softr 429 ([\d.]+), 503 ([\d.]+), 502-after ([\d.]+), hang-after ([\d.]+), refused ([\d.]+)(?:; budget refused ([\d.]+))?:$");
        if (!head.Success)
        {
            throw new FormatException($"Not a plan's first line: {lines[0]}");
        }
        double Rate(int group) => double.Parse(head.Groups[group].Value, CultureInfo.InvariantCulture);
        var rates = new SimRates(Rate(3), Rate(4), Rate(5), Rate(6), Rate(7), Rate(8), Rate(9), head.Groups[10].Success ? Rate(10) : 0);
        var ops = lines.Skip(1).Select(ParseOp).ToList();
        return new SimPlan(int.Parse(head.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(head.Groups[2].Value, CultureInfo.InvariantCulture), rates, ops);
    }

    private static SimOp ParseOp(string line)
    {
        var op = System.Text.RegularExpressions.Regex.Match(line, @"^(\w+) \{ (.*) \}$");
        if (!op.Success)
        {
            throw new FormatException($"Not an operation: {line}");
        }
        var fields = op.Groups[2].Value.Split(", ").Select(field => field.Split(" = ")).ToDictionary(pair => pair[0], pair => pair[1]);
        var gap = TimeSpan.Parse(fields["Gap"], CultureInfo.InvariantCulture);
        int Int(string name) => int.Parse(fields[name], CultureInfo.InvariantCulture);
        return op.Groups[1].Value switch
        {
            nameof(DeliverOp) => new DeliverOp(gap, Int("Event")),
            nameof(ReplayOp) => new ReplayOp(gap, Int("Event")),
            nameof(ReplayAllOp) => new ReplayAllOp(gap),
            nameof(EraseOp) => new EraseOp(gap, Int("Person"), bool.Parse(fields["Softr"])),
            nameof(SweepOp) => new SweepOp(gap),
            nameof(KillOp) => new KillOp(gap, Int("Pick")),
            nameof(CancelOp) => new CancelOp(gap, Int("Pick")),
            nameof(OutageOp) => new OutageOp(gap, TimeSpan.Parse(fields["Length"], CultureInfo.InvariantCulture)),
            _ => throw new FormatException($"Unknown operation: {line}"),
        };
    }

    public override string ToString() =>
        $"seed {Seed}, {People} people, {Rates}:\n  " + string.Join("\n  ", Ops.Select(op => op.ToString()));
}
