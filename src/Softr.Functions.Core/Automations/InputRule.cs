namespace Softr.Functions.Automations;

/// <summary>
/// What a rendered value must be before it may reach Softr: a description for the documentation and
/// the dry run, and a check that says what is wrong without repeating the value (an error travels to
/// statuses, dead letters and logs, where an e-mail must not).
/// </summary>
/// <param name="Check">Null when the value is fit; else why not, without the value.</param>
public sealed record InputRule(string Description, Func<string, string?> Check);
