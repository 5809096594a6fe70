namespace Softr.Functions.Processing;

/// <summary>
/// Why processing gave up on an event, as stable codes: in the event's status, in the dead-letter
/// index, and as the filter of a bulk replay.
/// </summary>
public static class FailureCauses
{
    /// <summary>Softr refused the request as invalid (400, 422): a mapping or the data needs fixing.</summary>
    public const string SoftrRejected = "softr-rejected";

    /// <summary>Softr refused the key or the app domain (401, 403).</summary>
    public const string SoftrUnauthorized = "softr-unauthorized";

    /// <summary>The user, record, table or payload the step needs does not exist.</summary>
    public const string NotFound = "not-found";

    /// <summary>An upsert's key matched several records.</summary>
    public const string AmbiguousKey = "ambiguous-key";

    /// <summary>
    /// A rendered value breaks its action's input rule (an e-mail that is not one, an id with a '/', a
    /// name with control characters...): the event is dead-lettered before any Softr call, with the
    /// errors, so that an operator can fix the automation (or the data) and replay it.
    /// </summary>
    public const string InvalidInput = "invalid-input";

    /// <summary>A required input rendered empty, a template failed, or a value does not fit its field.</summary>
    public const string Mapping = "mapping";

    /// <summary>
    /// A step that must not be repeated blindly (an invitation, a plain record create) may or may not
    /// have happened: check Softr, then replay (which repeats it) or leave it.
    /// </summary>
    public const string OutcomeUnknown = "outcome-unknown";

    /// <summary>A value too large to keep in storage (Table storage's 64 KiB per property, 1 MiB per row): no retry would fit it.</summary>
    public const string TooLarge = "too-large";

    /// <summary>Transient failures went on past <see cref="ProcessingOptions.MaxAttempts"/>.</summary>
    public const string RetriesExhausted = "retries-exhausted";

    /// <summary>
    /// No Softr budget was granted for longer than <see cref="ProcessingOptions.MaxDeferral"/>: the
    /// shared budget is misconfigured (too few seats for the instances), or another client spends the token.
    /// </summary>
    public const string NoBudget = "no-budget";

    /// <summary>
    /// A setting processing needs could not be read for longer than <see cref="ProcessingOptions.MaxDeferral"/>:
    /// <c>Softr:ApiKey</c> holds a Key Vault reference App Service could not resolve. Fix the reference, then replay.
    /// </summary>
    public const string NotConfigured = "not-configured";

    /// <summary>
    /// A credential an earlier step made (a magic link) is kept encrypted, and the Data Protection key ring
    /// no longer has the key that sealed it. A replay runs the step that made it again (it is safe to repeat).
    /// </summary>
    public const string SecretUnreadable = "secret-unreadable";

    /// <summary>Softr refused the call because the plan's cap (records, users) is reached (402 QUOTA_EXCEEDED): raise the plan, then replay by cause.</summary>
    public const string SoftrQuota = "softr-quota";

    /// <summary>Softr refused a value that must be unique and is taken (409 CONSTRAINT_VIOLATION), outside an upsert (which searches again and updates).</summary>
    public const string SoftrConflict = "softr-conflict";

    /// <summary>
    /// An action made a Softr call it does not declare (a defect in the action's code, not in the event or the
    /// configuration): refused before it left, so nothing was sent. Report it; a replay fails the same way until fixed.
    /// </summary>
    public const string ActionDefect = "action-defect";

    /// <summary>The message failed <c>maxDequeueCount</c> times without processing deciding (a crash, an unreadable message).</summary>
    public const string Poison = "poison";
}
