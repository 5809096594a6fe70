namespace Softr.Functions.SharedBudget;

/// <summary>A live instance of the app as the budget's member rows show it: its id, and when it joined (which orders who gets a seat first when seats are short).</summary>
public sealed record SeatMember(string Id, DateTimeOffset Since);
