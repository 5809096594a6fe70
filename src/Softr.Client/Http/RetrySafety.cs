namespace Softr.Http;

/// <summary>Whether the client may repeat a call whose outcome it does not know.</summary>
public enum RetrySafety
{
    /// <summary>
    /// Repeating has the same effect as doing it once: reads, updates with the same fields, deletes,
    /// (de)activation, and createUser, whose repeat is answered "already exists".
    /// </summary>
    SafeToRepeat,

    /// <summary>
    /// A repeat could act twice (a second record, a second invitation email). Retried only when
    /// Softr certainly did not act: a 429, or a connection that was never made. A timeout or a 5xx
    /// is surfaced to the caller, who must make the call safe (for records: upsert by a key field).
    /// </summary>
    OnlyIfNotReceived,
}
