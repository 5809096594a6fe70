namespace Softr.Functions.Automations;

/// <summary>
/// What an event's automations do, in the two forms it is needed in, made together by
/// <see cref="AutomationEvaluator.Plan(Webhooks.ResolvedHook?, Events.EventEnvelope)"/> so that they cannot disagree: <see cref="View"/>, the plan as it is shown
/// (the dry run, the event's page: names, statuses, rendered values, no code), and <see cref="Runs"/>, what
/// processing runs (each automation's compiled steps beside their planned values).
/// </summary>
public sealed record EventPlan(AutomationEvaluation View, IReadOnlyList<AutomationRun> Runs)
{
    /// <summary>The automations whose steps are to run, in order.</summary>
    public IEnumerable<AutomationRun> Planned => Runs.Where(run => run.Outcome.Status == OutcomeStatus.Planned);
}
