namespace Softr.Functions.Processing;

public enum FailureKind
{
    /// <summary>Try again later, counting the attempt.</summary>
    Transient,

    /// <summary>Give up now: dead-letter with the cause.</summary>
    Permanent,

    /// <summary>No Softr budget came in time: try again later without counting an attempt.</summary>
    NoBudget,

    /// <summary>A setting processing needs is not usable yet (an unresolved Key Vault reference): wait without counting an attempt.</summary>
    NotConfigured,
}
