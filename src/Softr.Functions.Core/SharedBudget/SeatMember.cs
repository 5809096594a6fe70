namespace Softr.Functions.SharedBudget;

/// <summary>
/// A live instance of the app as the budget's member rows show it: its id, when it joined (which orders who gets a seat
/// first when seats are short), and its weight (what it has waiting: <see cref="SeatPlanner.WeightOf"/>; 1 in rows
/// written before weights).
/// </summary>
public sealed record SeatMember(string Id, DateTimeOffset Since, int Weight = 1);
