namespace Softr.Functions.SharedBudget;

/// <summary>What an instance does with the seats in one tick: its fair share, and which seats it renews, frees and claims.</summary>
public sealed record SeatPlan(int FairShare, IReadOnlyList<int> Renew, IReadOnlyList<int> Free, IReadOnlyList<int> Claim);
