namespace Softr.Functions.SharedBudget;

/// <summary>One seat of a shared budget as an instance read it: who holds it and until when (no holder: never claimed, or freed).</summary>
public sealed record SeatView(int Index, string? Holder, DateTimeOffset? Until)
{
    public bool IsHeldBy(string instance, DateTimeOffset now) => Holder == instance && Until > now;

    /// <summary>Free to claim: never claimed, freed, or its lease ended.</summary>
    public bool IsFree(DateTimeOffset now) => string.IsNullOrEmpty(Holder) || !(Until > now);
}
