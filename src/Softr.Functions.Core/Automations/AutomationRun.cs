namespace Softr.Functions.Automations;

/// <summary>One automation of an <see cref="EventPlan"/>: the compiled automation, and its outcome for the event.</summary>
public sealed record AutomationRun(CompiledAutomation Automation, AutomationOutcome Outcome)
{
    /// <summary>
    /// Each compiled step beside its planned values, in order (a planned outcome lists every step of its
    /// automation, in the automation's order; one that is not planned lists none, or, for invalid input, all).
    /// Paired by position and held to it by id: a plan that ever skipped a step would stop here, not run the wrong call.
    /// </summary>
    public IEnumerable<(CompiledStep Step, PlannedStep Planned)> Steps => Automation.Steps.Zip(Outcome.Steps, (step, planned) =>
        step.Id == planned.Id ? (step, planned) : throw new InvalidOperationException($"Automation '{Automation.Name}': planned step '{planned.Id}' is not step '{step.Id}'."));
}
