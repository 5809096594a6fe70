using Softr.Http;

namespace Softr.Resilience;

/// <summary>One budget: a Softr token (by fingerprint, never the token itself) and a kind of call.</summary>
/// <param name="TokenFingerprint">A hash of the API key that names its budget.</param>
/// <param name="Kind">Reads or writes.</param>
public readonly record struct SoftrBudgetKey(string TokenFingerprint, SoftrCallKind Kind);
